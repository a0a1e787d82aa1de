import { heapPush, heapReplaceRoot, heapSort } from './top-k-heap.js';

/** Finds the first position in [from, end) of row whose score is above threshold, or returns end. */
export type ScoreScan = (row: Float32Array, from: number, end: number, threshold: number) => number;

/**
 * Exact top-k selection over one row of scores, best first: higher score first, and among equal
 * scores the lower gallery index first (a stable tie-break). A heap keeps the k best seen so far;
 * because the row is scanned in index order, a later equal score never displaces an earlier one.
 *
 * ```ts
 * const top = new TopK(2);
 * top.select(Float32Array.of(0.5, 0.9, 0.9, 0.1), 0, 4, 2, -1); // 2
 * top.indices.subarray(0, 2);                                   // Int32Array [1, 2]
 * ```
 */
export class TopK {
  readonly scores: Float32Array;
  readonly indices: Int32Array;

  constructor(readonly capacity: number) {
    this.scores = new Float32Array(Math.max(capacity, 1));
    this.indices = new Int32Array(Math.max(capacity, 1));
  }

  /**
   * Selects the best `k` of row[offset + j] for j < count, j ≠ skip (−1 skips nothing), and leaves
   * them sorted best first in scores/indices[0 .. returned count). `scan` finds the next score
   * above the current k-th best (SimilarityKernel has a SIMD one).
   */
  select(row: Float32Array, offset: number, count: number, k: number, skip: number, scan: ScoreScan = nextAbove): number {
    const hs = this.scores;
    const hi = this.indices;
    const want = Math.min(k, count - (skip >= 0 && skip < count ? 1 : 0), this.capacity);
    if (want <= 0) return 0;
    let size = 0;
    let j = 0;
    for (; j < count && size < want; j++) {
      if (j === skip) continue;
      heapPush(hs, hi, 0, size++, row[offset + j]!, j);
    }
    const end = offset + count;
    for (let at = scan(row, offset + j, end, hs[0]!); at < end; at = scan(row, at + 1, end, hs[0]!)) {
      if (at - offset !== skip) heapReplaceRoot(hs, hi, 0, size, row[at]!, at - offset);
    }
    heapSort(hs, hi, 0, size);
    return size;
  }
}

/** The hot loop of selection, kept tiny for the JIT. */
function nextAbove(row: Float32Array, from: number, end: number, threshold: number): number {
  for (let at = from; at < end; at++) if (row[at]! > threshold) return at;
  return end;
}
