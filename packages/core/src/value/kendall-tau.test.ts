import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { kendallTau } from './kendall-tau.js';

/** τ-b by the definition: every pair once. */
function naiveTauB(x: number[], y: number[]): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sx = Math.sign(x[i]! - x[j]!);
      const sy = Math.sign(y[i]! - y[j]!);
      if (sx === 0 && sy === 0) continue;
      if (sx === 0) tx++;
      else if (sy === 0) ty++;
      else if (sx === sy) c++;
      else d++;
    }
  }
  const den = Math.sqrt((c + d + tx) * (c + d + ty));
  return den > 0 ? (c - d) / den : 0;
}

describe('kendallTau', () => {
  it.each([
    { x: [1, 2, 3], y: [1, 2, 3], tau: 1 },
    { x: [1, 2, 3], y: [3, 2, 1], tau: -1 },
    { x: [1, 2, 3], y: [1, 3, 2], tau: 1 / 3 },
    // 4 items, y ties at 2: C=5, D=0, one pair tied in y → 5/√(6·5).
    { x: [1, 2, 3, 4], y: [1, 2, 2, 3], tau: 5 / Math.sqrt(30) },
    // x ties and y ties: C=3, D=1, tx=1, ty=1 → 2/√(5·5) = 0.4.
    { x: [1, 1, 2, 3], y: [1, 3, 2, 3], tau: 0.4 },
    { x: [5], y: [2], tau: 0 },
    { x: [], y: [], tau: 0 },
    { x: [1, 1, 1], y: [1, 2, 3], tau: 0 },
    { x: [1, 2, 3], y: [7, 7, 7], tau: 0 },
  ])('hand-computed case x=$x y=$y → $tau', ({ x, y, tau }) => {
    expect(kendallTau(x, y)).toBeCloseTo(tau, 12);
  });

  it('matches the naive O(n²) definition on random lists with many ties', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(40);
      const levels = 1 + rng.int(6);
      const x = Array.from({ length: n }, () => rng.int(levels));
      const y = Array.from({ length: n }, () => (trial % 2 ? rng.int(levels) : rng.normal()));
      expect(kendallTau(x, y)).toBeCloseTo(naiveTauB(x, y), 12);
      expect(kendallTau(Float64Array.from(y), Float32Array.from(x))).toBeCloseTo(naiveTauB(y, x), 12);
    }
  });

  it('rejects mismatched lengths and non-finite values, naming the argument', () => {
    expect(() => kendallTau([1, 2], [1])).toThrow(/'y' passed to kendallTau must be the same length as x \(2\)/);
    expect(() => kendallTau([1, Number.NaN], [1, 2])).toThrow(/'x' .*finite numbers, got NaN at index 1/);
  });
});
