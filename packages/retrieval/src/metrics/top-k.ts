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
    // Fill: the heap keeps its worst entry (lowest score, then highest index) at the root.
    for (; j < count && size < want; j++) {
      if (j === skip) continue;
      let at = size++;
      const s = row[offset + j]!;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        // The newcomer has the highest index so far, so on a tied score it is the worse one and rises.
        if (hs[parent]! < s) break;
        hs[at] = hs[parent]!;
        hi[at] = hi[parent]!;
        at = parent;
      }
      hs[at] = s;
      hi[at] = j;
    }
    const end = offset + count;
    for (let at = scan(row, offset + j, end, hs[0]!); at < end; at = scan(row, at + 1, end, hs[0]!)) {
      if (at - offset !== skip) this.siftDown(row[at]!, at - offset, size);
    }
    // Heapsort: moving the worst to the back each time leaves the best first.
    for (let end = size - 1; end > 0; end--) {
      const s = hs[end]!;
      const i = hi[end]!;
      hs[end] = hs[0]!;
      hi[end] = hi[0]!;
      this.siftDown(s, i, end);
    }
    return size;
  }

  /** Places (s, i) at the root of the heap of `size` entries and sifts it down. */
  private siftDown(s: number, i: number, size: number): void {
    const hs = this.scores;
    const hi = this.indices;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      let child = left;
      const right = left + 1;
      if (right < size && worse(hs[right]!, hi[right]!, hs[left]!, hi[left]!)) child = right;
      if (!worse(hs[child]!, hi[child]!, s, i)) break;
      hs[at] = hs[child]!;
      hi[at] = hi[child]!;
      at = child;
    }
    hs[at] = s;
    hi[at] = i;
  }
}

/** Finds the first position in [from, end) of row whose score is above threshold, or returns end. */
export type ScoreScan = (row: Float32Array, from: number, end: number, threshold: number) => number;

/** The hot loop of selection, kept tiny for the JIT. */
function nextAbove(row: Float32Array, from: number, end: number, threshold: number): number {
  for (let at = from; at < end; at++) if (row[at]! > threshold) return at;
  return end;
}

/** Whether entry a ranks after entry b. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}
