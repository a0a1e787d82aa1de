import { describe, expect, it } from 'vitest';
import { makeRarePositives, sampleRarePositives } from './rare-positives.js';

describe('rare-positives', () => {
  it('draws reproducibly: the geometry from its seed, the rows from the sample seed', () => {
    const g = makeRarePositives();
    const a = sampleRarePositives(g, 500, 0.05, 3);
    expect(sampleRarePositives(makeRarePositives(), 500, 0.05, 3)).toEqual(a);
    expect(sampleRarePositives(g, 500, 0.05, 4).x).not.toEqual(a.x);
    expect(makeRarePositives({ geometrySeed: 2 }).positiveCentres).not.toEqual(g.positiveCentres);
    expect([a.n, a.dim, a.featureNames.at(-1)]).toEqual([500, 16, 'noise_10']);
  });

  it('keeps the positive rate and puts positives apart from negatives on the informative features only', () => {
    const g = makeRarePositives({ separation: 3 });
    const d = sampleRarePositives(g, 20_000, 0.1, 1);
    const positives = d.y.reduce((a, b) => a + b, 0);
    // Binomial(20000, 0.1): std ≈ 42.
    expect(Math.abs(positives - 2000)).toBeLessThan(200);
    // Per-feature class-mean gap in scale units: the informative ones differ, the noise ones do not.
    const gap = (k: number) => {
      let p = 0;
      let n = 0;
      for (let i = 0; i < d.n; i++) {
        if (d.y[i] === 1) p += d.x[i * d.dim + k]!;
        else n += d.x[i * d.dim + k]!;
      }
      return Math.abs(p / positives - n / (d.n - positives)) / g.scales[k]!;
    };
    const informative = Array.from({ length: 6 }, (_, k) => gap(k));
    const noise = Array.from({ length: 10 }, (_, k) => gap(6 + k));
    expect(Math.max(...noise)).toBeLessThan(0.1);
    expect(informative.reduce((a, b) => a + b, 0)).toBeGreaterThan(1);
  });

  it('rejects bad specs and rates, naming the argument', () => {
    expect(() => makeRarePositives({ informative: 20 })).toThrow(/'spec\.informative' passed to makeRarePositives/);
    expect(() => sampleRarePositives(makeRarePositives(), 10, 1, 1)).toThrow(/'positiveRate'/);
  });
});
