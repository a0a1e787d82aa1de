import { InvalidArgumentError, type Rng } from '@metricopt/core';
import { describe } from '@metricopt/core';
import { checkLabelsAndIndices, checkRng, groupByClass } from './labels.js';

/** Split sizes by name, as fractions of the samples (summing to at most 1) or as counts. */
export type SplitSizes<K extends string> = { fractions: Record<K, number>; counts?: never } | { counts: Record<K, number>; fractions?: never };

export type SplitIndicesOptions<K extends string> = SplitSizes<K> & {
  rng: Rng;
  /** Labels by sample index: each split then holds every class in proportion (within 2 samples). */
  stratify?: ArrayLike<number>;
};

/**
 * Seeded disjoint splits of a set of samples (0..n−1, or the given indices), e.g. train / metric /
 * test / twin. Sizes are fractions — split k ends at round(n·(f₁+…+f_k)), so fractions summing to
 * 1 use every sample — or exact counts; what is left over belongs to no split. Each split's
 * indices come in random order (stratified: classes interleaved, so any prefix is stratified too).
 * Everything comes from `rng`: the same seed gives the same split on every machine.
 *
 * ```ts
 * const { train, metric, test } = splitIndices(70000, { fractions: { train: 0.8, metric: 0.1, test: 0.1 }, rng: new Rng(1), stratify: labels });
 * train.length;   // 56000
 * ```
 */
export function splitIndices<K extends string>(samples: number | ArrayLike<number>, options: SplitIndicesOptions<K>): Record<K, Int32Array> {
  const fn = 'splitIndices';
  const rng = checkRng(fn, options?.rng);
  let pool: Int32Array;
  if (typeof samples === 'number') {
    if (!Number.isInteger(samples) || samples < 0) throw new InvalidArgumentError(fn, 'samples', 'a sample count or an array of indices', describe(samples));
    pool = Int32Array.from({ length: samples }, (_, i) => i);
  } else {
    pool = Int32Array.from(samples ?? []);
    if (!pool.every((v, i) => v >= 0 && v === samples[i])) throw new InvalidArgumentError(fn, 'samples', 'non-negative integer indices', describe(samples));
    // A repeated index would land in two splits.
    const seen = new Set<number>();
    pool.forEach((v, i) => {
      if (seen.has(v)) throw new InvalidArgumentError(fn, 'samples', 'distinct indices', `${v} again at position ${i}`);
      seen.add(v);
    });
  }
  const ends = splitEnds(fn, options, pool.length);
  const order = options.stratify === undefined ? shuffled(pool, rng) : stratifiedOrder(fn, options.stratify, pool, rng);
  const out = {} as Record<K, Int32Array>;
  let start = 0;
  for (const [name, end] of ends) {
    out[name] = order.slice(start, end);
    start = end;
  }
  return out;
}

/** The end position of each split along one ordering of n samples, in the order the sizes were given. */
export function splitEnds<K extends string>(fn: string, sizes: SplitSizes<K>, n: number): Array<[K, number]> {
  const { fractions, counts } = sizes ?? {};
  if ((fractions === undefined) === (counts === undefined)) {
    throw new InvalidArgumentError(fn, 'options', 'exactly one of fractions or counts, e.g. { fractions: { train: 0.8, test: 0.2 } }', JSON.stringify(sizes));
  }
  const byName = (fractions ?? counts)!;
  const entries = Object.entries(byName) as Array<[K, number]>;
  if (entries.length === 0) throw new InvalidArgumentError(fn, fractions ? 'options.fractions' : 'options.counts', 'at least one named split', '{}');
  let cumulative = 0;
  return entries.map(([name, size]) => {
    if (fractions !== undefined) {
      if (!Number.isFinite(size) || size < 0) throw new InvalidArgumentError(fn, `options.fractions.${name}`, 'a fraction in [0, 1]', describe(size));
      cumulative += size;
      if (cumulative > 1 + 1e-9) throw new InvalidArgumentError(fn, 'options.fractions', 'fractions summing to at most 1', `a sum of ${Object.values<number>(byName).reduce((a, b) => a + b, 0)}`);
      return [name, Math.round(n * Math.min(cumulative, 1))];
    }
    if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError(fn, `options.counts.${name}`, 'a non-negative integer', describe(size));
    cumulative += size;
    if (cumulative > n) throw new InvalidArgumentError(fn, 'options.counts', `counts summing to at most the ${n} samples`, `a sum of ${Object.values<number>(byName).reduce((a, b) => a + b, 0)}`);
    return [name, cumulative];
  });
}

function shuffled(pool: Int32Array, rng: Rng): Int32Array {
  const perm = rng.permutation(pool.length);
  return perm.map((p) => pool[p]!);
}

// Systematic stratification: the k-th of a class's n_c shuffled samples sits at (k + ½)/n_c along
// [0, 1]; cutting that ordering anywhere gives each class its proportional share within about one.
function stratifiedOrder(fn: string, labels: ArrayLike<number>, pool: Int32Array, rng: Rng): Int32Array {
  if (pool.some((i) => i >= labels.length)) {
    throw new InvalidArgumentError(fn, 'options.stratify', `a label for every sample index (up to ${Math.max(...pool)})`, describe(labels));
  }
  const groups = [...groupByClass(labels, checkLabelsAndIndices(fn, labels, pool)).values()];
  // Ties between classes (equal positions) are broken by a random class priority, not by label.
  const priority = rng.permutation(groups.length);
  const items: Array<{ index: number; rank: number; size: number; priority: number }> = [];
  groups.forEach((members, g) => {
    const perm = rng.permutation(members.length);
    perm.forEach((p, rank) => items.push({ index: members[p]!, rank, size: members.length, priority: priority[g]! }));
  });
  // (2k+1)/(2n_c) compared exactly through integer cross-products.
  items.sort((a, b) => (2 * a.rank + 1) * b.size - (2 * b.rank + 1) * a.size || a.priority - b.priority);
  return Int32Array.from(items, (it) => it.index);
}

export type ClassDisjointOptions<K extends string> = SplitSizes<K> & {
  /** Shuffle the classes before partitioning; without it, classes go to splits in ascending order (the CUB / Cars196 / SOP convention). */
  rng?: Rng;
  /** Only these samples (default: all). */
  indices?: ArrayLike<number>;
};

export interface ClassDisjointSplit<K extends string> {
  /** Each split's samples, in ascending index order. */
  indices: Record<K, Int32Array>;
  /** Each split's classes, ascending. */
  classes: Record<K, number[]>;
}

/**
 * Splits samples so that no class is in two splits: the classes present are partitioned by the
 * sizes (fractions or counts of classes), and every sample follows its class.
 *
 * ```ts
 * const { indices, classes } = classDisjointSplit(labels, { counts: { train: 100, test: 100 } });
 * classes.train;   // [0, 1, ..., 99]
 * ```
 */
export function classDisjointSplit<K extends string>(labels: ArrayLike<number>, options: ClassDisjointOptions<K>): ClassDisjointSplit<K> {
  const fn = 'classDisjointSplit';
  const groups = groupByClass(labels, checkLabelsAndIndices(fn, labels, options?.indices));
  let classes = [...groups.keys()];
  if (options.rng !== undefined) {
    const perm = checkRng(fn, options.rng).permutation(classes.length);
    classes = Array.from(perm, (p) => classes[p]!);
  }
  const result: ClassDisjointSplit<K> = { indices: {} as Record<K, Int32Array>, classes: {} as Record<K, number[]> };
  let start = 0;
  for (const [name, end] of splitEnds(fn, options, classes.length)) {
    const mine = classes.slice(start, end).sort((a, b) => a - b);
    result.classes[name] = mine;
    result.indices[name] = Int32Array.from(mine.flatMap((c) => groups.get(c)!)).sort();
    start = end;
  }
  return result;
}
