import { InvalidArgumentError, type Rng } from '@metricopt/core';
import { describe } from '@metricopt/core';

/** Checks that `labels` holds non-negative integers and returns the sample indices to use (all of them by default). */
export function checkLabelsAndIndices(fn: string, labels: ArrayLike<number>, indices?: ArrayLike<number>): Int32Array {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new InvalidArgumentError(fn, 'labels', 'an array of integer class labels', describe(labels));
  }
  const chosen = indices === undefined ? Int32Array.from({ length: labels.length }, (_, i) => i) : Int32Array.from(indices);
  for (let i = 0; i < chosen.length; i++) {
    const idx = chosen[i]!;
    if (indices !== undefined && (idx < 0 || idx >= labels.length || idx !== indices[i])) {
      throw new InvalidArgumentError(fn, 'indices', `integers in [0, ${labels.length})`, `${indices[i]} at position ${i}`);
    }
    const y = labels[idx]!;
    if (!Number.isInteger(y) || y < 0) throw new InvalidArgumentError(fn, 'labels', 'non-negative integers', `${y} at index ${idx}`);
  }
  return chosen;
}

/** The samples of each class, in the order of `indices`: a map from class to sample indices, classes ascending. */
export function groupByClass(labels: ArrayLike<number>, indices: Int32Array): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const y = labels[i]!;
    let g = groups.get(y);
    if (g === undefined) groups.set(y, (g = []));
    g.push(i);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

export function checkRng(fn: string, rng: unknown): Rng {
  // Duck-typed so a second copy of core (another version) still passes.
  const r = rng as Partial<Rng> | null;
  if (typeof r?.next !== 'function' || typeof r.int !== 'function' || typeof r.permutation !== 'function') throw new InvalidArgumentError(fn, 'options.rng', "a seeded Rng from '@metricopt/core'", describe(rng));
  return rng as Rng;
}
