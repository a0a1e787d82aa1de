// Heaps of (score, index) entries kept in two parallel arrays from `base`, with the worst entry —
// lowest score, then highest index — at the root, so the root is the one a better entry displaces.

/** Whether entry a ranks after entry b: a lower score, or the same score and a higher index. */
export function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/** Adds (s, i) to the heap of `size` entries (it becomes size + 1). */
export function heapPush(hs: Float32Array, hi: Int32Array, base: number, size: number, s: number, i: number): void {
  let at = size;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!worse(s, i, hs[base + parent]!, hi[base + parent]!)) break;
    hs[base + at] = hs[base + parent]!;
    hi[base + at] = hi[base + parent]!;
    at = parent;
  }
  hs[base + at] = s;
  hi[base + at] = i;
}

/** Replaces the root (the worst entry) of the heap of `size` entries with (s, i) and sifts it down. */
export function heapReplaceRoot(hs: Float32Array, hi: Int32Array, base: number, size: number, s: number, i: number): void {
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= size) break;
    let child = left;
    const right = left + 1;
    if (right < size && worse(hs[base + right]!, hi[base + right]!, hs[base + left]!, hi[base + left]!)) child = right;
    if (!worse(hs[base + child]!, hi[base + child]!, s, i)) break;
    hs[base + at] = hs[base + child]!;
    hi[base + at] = hi[base + child]!;
    at = child;
  }
  hs[base + at] = s;
  hi[base + at] = i;
}

/** Sorts the heap in place, best first (moving the worst to the back each time). */
export function heapSort(hs: Float32Array, hi: Int32Array, base: number, size: number): void {
  for (let end = size - 1; end > 0; end--) {
    const s = hs[base + end]!;
    const i = hi[base + end]!;
    hs[base + end] = hs[base]!;
    hi[base + end] = hi[base]!;
    heapReplaceRoot(hs, hi, base, end, s, i);
  }
}
