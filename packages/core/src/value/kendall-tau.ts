import { InvalidArgumentError, describe } from '../errors.js';

/**
 * Kendall's τ-b between two equally long lists (ties handled as scipy's `kendalltau` does),
 * in O(n log n) by Knight's merge-sort count. Never NaN: returns 0 where τ-b is undefined
 * (fewer than two items, or one list all tied).
 *
 * ```ts
 * kendallTau([1, 2, 3], [1, 3, 2]);   // 1/3
 * kendallTau([1, 1, 1], [1, 2, 3]);   // 0 (undefined: x all tied)
 * ```
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  check(x, 'x');
  check(y, 'y');
  if (x.length !== y.length) {
    throw new InvalidArgumentError('kendallTau', 'y', `the same length as x (${x.length})`, describe(y));
  }
  const n = x.length;
  if (n < 2) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i]! - x[j]! || y[i]! - y[j]!);
  const pairs = (n * (n - 1)) / 2;
  // Pairs tied in x (tiesX) and tied in both (tiesXY), from runs in the sorted order.
  let tiesX = 0;
  let tiesXY = 0;
  let runX = 1;
  let runXY = 1;
  for (let k = 1; k < n; k++) {
    const a = order[k - 1]!;
    const b = order[k]!;
    if (x[a] === x[b]) {
      runX++;
      runXY = y[a] === y[b] ? runXY + 1 : flush(runXY, (t) => (tiesXY += t));
    } else {
      runX = flush(runX, (t) => (tiesX += t));
      runXY = flush(runXY, (t) => (tiesXY += t));
    }
  }
  flush(runX, (t) => (tiesX += t));
  flush(runXY, (t) => (tiesXY += t));
  // Discordant pairs are the inversions of y in x-order (ties in x are already sorted by y).
  const ys = Float64Array.from(order, (i) => y[i]!);
  const discordant = countInversions(ys, new Float64Array(n), 0, n);
  let tiesY = 0;
  let runY = 1;
  for (let k = 1; k < n; k++) {
    if (ys[k] === ys[k - 1]) runY++;
    else runY = flush(runY, (t) => (tiesY += t));
  }
  flush(runY, (t) => (tiesY += t));
  const s = pairs - tiesX - tiesY + tiesXY - 2 * discordant;
  const denominator = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  if (!(denominator > 0)) return 0;
  return Math.max(-1, Math.min(1, s / denominator));
}

function flush(run: number, add: (ties: number) => void): number {
  if (run > 1) add((run * (run - 1)) / 2);
  return 1;
}

/** Sorts a[lo, hi) ascending and returns the number of strict inversions. */
function countInversions(a: Float64Array, tmp: Float64Array, lo: number, hi: number): number {
  if (hi - lo < 2) return 0;
  const mid = (lo + hi) >>> 1;
  let count = countInversions(a, tmp, lo, mid) + countInversions(a, tmp, mid, hi);
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    if (a[j]! < a[i]!) {
      count += mid - i;
      tmp[k++] = a[j++]!;
    } else {
      tmp[k++] = a[i++]!;
    }
  }
  while (i < mid) tmp[k++] = a[i++]!;
  while (j < hi) tmp[k++] = a[j++]!;
  a.set(tmp.subarray(lo, hi), lo);
  return count;
}

function check(v: ArrayLike<number>, arg: string): void {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new InvalidArgumentError('kendallTau', arg, 'an array of numbers', describe(v));
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new InvalidArgumentError('kendallTau', arg, 'finite numbers', `${v[i]} at index ${i}`);
    }
  }
}
