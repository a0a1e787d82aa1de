import { heapPush, heapReplaceRoot, heapSort } from './top-k-heap.js';

/**
 * One top-k heap per query, filled by offers that may come in any grouping, as long as each
 * query's offers come in increasing gallery index (then a later equal score never displaces an
 * earlier one, and the tie-break by index holds). `thresholds[q]` is the score an offer must beat:
 * −∞ while q's heap is not full, then its worst kept score; +∞ for a query with capacity 0.
 *
 * ```ts
 * const table = new TopKTable(Int32Array.of(2, 0), new Float32Array(2));
 * table.offer(0, 0.5, 3); table.offer(0, 0.9, 4); table.offer(0, 0.7, 5);
 * table.sort(0); // 2 — indices 4, 5
 * ```
 */
export class TopKTable {
  readonly offsets: Int32Array;
  readonly sizes: Int32Array;
  readonly scores: Float32Array;
  readonly indices: Int32Array;

  constructor(capacities: Int32Array, readonly thresholds: Float32Array) {
    const n = capacities.length;
    this.offsets = new Int32Array(n + 1);
    for (let q = 0; q < n; q++) this.offsets[q + 1] = this.offsets[q]! + capacities[q]!;
    this.sizes = new Int32Array(n);
    this.scores = new Float32Array(this.offsets[n]!);
    this.indices = new Int32Array(this.offsets[n]!);
    for (let q = 0; q < n; q++) thresholds[q] = capacities[q]! > 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  /** Offers gallery item `index` with score s to query q (call only when s > thresholds[q]). */
  offer(q: number, s: number, index: number): void {
    const base = this.offsets[q]!;
    const capacity = this.offsets[q + 1]! - base;
    const size = this.sizes[q]!;
    if (size < capacity) {
      heapPush(this.scores, this.indices, base, size, s, index);
      this.sizes[q] = size + 1;
      if (size + 1 === capacity) this.thresholds[q] = this.scores[base]!;
    } else {
      heapReplaceRoot(this.scores, this.indices, base, size, s, index);
      this.thresholds[q] = this.scores[base]!;
    }
  }

  /** Sorts q's entries best first (the heap is gone afterwards) and returns how many there are. */
  sort(q: number): number {
    heapSort(this.scores, this.indices, this.offsets[q]!, this.sizes[q]!);
    return this.sizes[q]!;
  }
}
