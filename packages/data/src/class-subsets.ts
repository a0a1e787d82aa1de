import { InvalidArgumentError, type Rng } from '@metricopt/core';
import { describe } from '@metricopt/core';
import { checkLabelsAndIndices, checkRng, groupByClass } from './labels.js';

/** Samples per class, counts[c] for c in [0, numClasses) (default: the largest label + 1). */
export function classCounts(labels: ArrayLike<number>, options: { numClasses?: number; indices?: ArrayLike<number> } = {}): number[] {
  const fn = 'classCounts';
  const indices = checkLabelsAndIndices(fn, labels, options.indices);
  let numClasses = options.numClasses;
  if (numClasses === undefined) {
    numClasses = 0;
    for (const i of indices) numClasses = Math.max(numClasses, labels[i]! + 1);
  } else if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new InvalidArgumentError(fn, 'options.numClasses', 'a non-negative integer', describe(numClasses));
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (const i of indices) {
    const y = labels[i]!;
    if (y >= numClasses) throw new InvalidArgumentError(fn, 'labels', `integers in [0, ${numClasses})`, `${y} at index ${i}`);
    counts[y]!++;
  }
  return counts;
}

/**
 * A seeded subset that keeps `perClass` samples of each class (one number for every class, or
 * one per class), in random order. Asking for more samples than a class has is an error.
 *
 * ```ts
 * const balanced = perClassSubset(labels, 2000, { rng: new Rng(1) });   // 2000 of each class, shuffled
 * ```
 */
export function perClassSubset(labels: ArrayLike<number>, perClass: number | ArrayLike<number>, options: { rng: Rng; indices?: ArrayLike<number> }): Int32Array {
  const fn = 'perClassSubset';
  const rng = checkRng(fn, options?.rng);
  const groups = groupByClass(labels, checkLabelsAndIndices(fn, labels, options.indices));
  const kept: number[] = [];
  for (const [c, members] of groups) {
    const want = typeof perClass === 'number' ? perClass : (perClass[c] ?? 0);
    if (!Number.isInteger(want) || want < 0 || want > members.length) {
      throw new InvalidArgumentError(fn, 'perClass', `a count from 0 to ${members.length} for class ${c}`, describe(want));
    }
    const perm = rng.permutation(members.length);
    for (let k = 0; k < want; k++) kept.push(members[perm[k]!]!);
  }
  return Int32Array.from(rng.shuffle(kept));
}

/**
 * The long-tailed class sizes: class c of C keeps round(n_c · ratio^(c/(C−1))) of its n_c samples,
 * so class 0 keeps all and class C−1 keeps the fraction `ratio`.
 *
 * ```ts
 * longTailCounts(new Array(10).fill(6000), 0.05);   // [6000, 4301, 3083, 2210, 1585, 1136, 814, 584, 418, 300]
 * ```
 */
export function longTailCounts(counts: ArrayLike<number>, ratio: number): number[] {
  if (!Number.isFinite(ratio) || ratio <= 0 || ratio > 1) throw new InvalidArgumentError('longTailCounts', 'ratio', 'a number in (0, 1]', describe(ratio));
  const classes = counts.length;
  return Array.from(counts, (n, c) => (classes === 1 ? n : Math.round(n * ratio ** (c / (classes - 1)))));
}

/**
 * The class-imbalanced subsample of the long-tailed setting (Fashion-MNIST-LT: ratio 0.05), drawn
 * with `rng`, in random order. Classes are 0..numClasses−1 (default: the largest label + 1).
 *
 * ```ts
 * const lt = imbalancedSubset(train.labels, { ratio: 0.05, rng: new Rng(1) });   // 20,431 of 60,000
 * ```
 */
export function imbalancedSubset(labels: ArrayLike<number>, options: { ratio: number; rng: Rng; numClasses?: number; indices?: ArrayLike<number> }): Int32Array {
  const counts = classCounts(labels, { numClasses: options?.numClasses, indices: options?.indices });
  return perClassSubset(labels, longTailCounts(counts, options.ratio), { rng: options.rng, indices: options.indices });
}
