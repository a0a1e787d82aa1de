import { describe, expect, it } from 'vitest';
import { numpyMean, pairwiseSum } from './pairwise-sum.js';

// Expected values printed by numpy 2.4's np.sum and np.mean.
describe('pairwiseSum', () => {
  it("matches np.sum, which differs from a running sum", () => {
    const x = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 997);
    expect(pairwiseSum(x)).toBe(501.00300902708125);
    expect(x.reduce((s, v) => s + v, 0)).toBe(501.0030090270812);
    expect(numpyMean(x)).toBe(0.5010030090270813);
  });
  it('matches np.mean over arrays larger than one block', () => {
    expect(numpyMean(new Float64Array(20200).fill(0.1))).toBe(0.09999999999999998);
    expect(numpyMean(new Float64Array(1010).fill(2 / 3))).toBe(0.6666666666666666);
  });
  it('sums a sub-range', () => {
    expect(pairwiseSum([5, 1, 2, 3, 9], 1, 3)).toBe(6);
  });
});
