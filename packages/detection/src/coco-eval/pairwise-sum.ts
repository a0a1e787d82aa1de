// numpy reduces float64 arrays with pairwise summation (8-way unrolled blocks of up to 128),
// so means computed here agree with np.mean to the last bit.
const BLOCK = 128;

/** Sum of `values[offset .. offset + n)` in numpy's pairwise order (`np.add.reduce` on a contiguous float64 array). */
export function pairwiseSum(values: ArrayLike<number>, offset = 0, n = values.length - offset): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[offset + i]!;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = values[offset]!, r1 = values[offset + 1]!, r2 = values[offset + 2]!, r3 = values[offset + 3]!;
    let r4 = values[offset + 4]!, r5 = values[offset + 5]!, r6 = values[offset + 6]!, r7 = values[offset + 7]!;
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      const o = offset + i;
      r0 += values[o]!; r1 += values[o + 1]!; r2 += values[o + 2]!; r3 += values[o + 3]!;
      r4 += values[o + 4]!; r5 += values[o + 5]!; r6 += values[o + 6]!; r7 += values[o + 7]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += values[offset + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(values, offset, n2) + pairwiseSum(values, offset + n2, n - n2);
}

/** `np.mean` of a float64 array: pairwise sum divided by the count (NaN when empty, as numpy). */
export function numpyMean(values: ArrayLike<number>): number {
  return pairwiseSum(values) / values.length;
}
