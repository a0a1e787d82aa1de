import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xa);
  });

  it('draws uniforms in [0,1) with mean 1/2 and normals with mean 0, variance 1', () => {
    const r = new Rng(1);
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 1);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('permutation holds every index once', () => {
    const p = Array.from(new Rng(3).permutation(100)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('restores its exact state, including the spare normal', () => {
    const r = new Rng(11);
    r.normal();
    const state = r.getState();
    const expected = [r.normal(), r.next(), r.normal()];
    const s = Rng.fromState(JSON.parse(JSON.stringify(state)));
    expect([s.normal(), s.next(), s.normal()]).toEqual(expected);
  });

  it('rejects a non-integer seed with a clear message', () => {
    expect(() => new Rng(1.5)).toThrow(/'seed' passed to Rng must be an integer, got 1.5/);
  });
});
