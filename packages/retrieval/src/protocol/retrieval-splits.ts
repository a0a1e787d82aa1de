import { InvalidArgumentError, describe, type Rng } from '@metricopt/core';

export interface RetrievalSplitOptions {
  rng: Rng;
  /** The dataset's own test classes (CUB: 101–200); otherwise `testFraction` of the classes, drawn at random. */
  testClasses?: readonly number[];
  /** Share of the classes kept unseen for testing when `testClasses` is not given (default 0.3). */
  testFraction?: number;
  /** Share of the non-test classes held out from training as the metric split (default 0.25; at least 2 classes). */
  metricFraction?: number;
  /**
   * A group per sample (the glyphs' font face): the metric classes' samples go to the metric split
   * or its twin by group, so the twin is drawn from other groups where a class has two or more.
   * Without groups, each metric class's samples are halved at random.
   */
  groups?: ArrayLike<number>;
  /** Only these samples (default: all). */
  indices?: ArrayLike<number>;
  /** Keep at most this many test samples per class (default: all), chosen at random. */
  testPerClass?: number;
}

/** Sample indices of each split (ascending) and the classes of each (ascending). */
export interface RetrievalSplits {
  /** Samples of the training classes: what the embedding is trained and finetuned on. */
  train: Int32Array;
  /** Half of the metric classes' samples: MetricOpt's observations come only from here. */
  metric: Int32Array;
  /** The other half: an independent sample of the same classes, never observed (tells a real gain from split noise). */
  twin: Int32Array;
  /** Samples of the test classes: unseen, for reporting only. */
  test: Int32Array;
  classes: { train: number[]; metric: number[]; test: number[] };
}

/**
 * The retrieval protocol's class-disjoint splits: test classes (unseen, reporting only), metric
 * classes (held out from training, 20–30% of the non-test classes; MetricOpt observes them) and
 * training classes; no class is in two of them. The metric classes' samples are divided between
 * the metric split and its twin.
 *
 * ```ts
 * const s = retrievalSplits(glyphs.labels, { rng: new Rng(1), groups: glyphs.faces });
 * s.classes.test.length;     // 30% of the classes
 * s.classes.metric.length;   // 25% of the rest
 * ```
 */
export function retrievalSplits(labels: ArrayLike<number>, options: RetrievalSplitOptions): RetrievalSplits {
  const fn = 'retrievalSplits';
  const { rng } = options ?? ({} as RetrievalSplitOptions);
  if (rng === undefined || typeof rng.permutation !== 'function') throw new InvalidArgumentError(fn, 'rng', 'an Rng', describe(rng));
  const testFraction = options.testFraction ?? 0.3;
  const metricFraction = options.metricFraction ?? 0.25;
  if (!(testFraction > 0 && testFraction < 1)) throw new InvalidArgumentError(fn, 'testFraction', 'a fraction in (0, 1)', describe(testFraction));
  if (!(metricFraction > 0 && metricFraction < 1)) throw new InvalidArgumentError(fn, 'metricFraction', 'a fraction in (0, 1)', describe(metricFraction));
  const rows = options.indices === undefined ? Int32Array.from({ length: labels.length }, (_, i) => i) : Int32Array.from(options.indices);
  const byClass = new Map<number, number[]>();
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= labels.length) throw new InvalidArgumentError(fn, 'indices', `integers in [0, ${labels.length})`, `${r}`);
    const y = labels[r]!;
    if (!Number.isInteger(y)) throw new InvalidArgumentError(fn, 'labels', 'integers', `${y} at index ${r}`);
    const list = byClass.get(y);
    if (list === undefined) byClass.set(y, [r]);
    else list.push(r);
  }
  const all = [...byClass.keys()].sort((a, b) => a - b);
  let test: number[];
  if (options.testClasses !== undefined) {
    test = [...new Set(options.testClasses)].filter((c) => byClass.has(c)).sort((a, b) => a - b);
    if (test.length < 2) throw new InvalidArgumentError(fn, 'testClasses', 'at least 2 classes present in labels', describe(options.testClasses));
  } else {
    const count = Math.max(2, Math.round(testFraction * all.length));
    test = pick(all, count, rng);
  }
  const testSet = new Set(test);
  const rest = all.filter((c) => !testSet.has(c));
  const metricCount = Math.max(2, Math.round(metricFraction * rest.length));
  if (rest.length < metricCount + 1) {
    throw new InvalidArgumentError(fn, 'labels', `at least ${metricCount + 1} non-test classes (${metricCount} metric + 1 train)`, `${rest.length} (of ${all.length} classes)`);
  }
  const metric = pick(rest, metricCount, rng);
  const metricSet = new Set(metric);
  const train = rest.filter((c) => !metricSet.has(c));

  const metricRows: number[] = [];
  const twinRows: number[] = [];
  for (const c of metric) {
    const members = byClass.get(c)!;
    const [a, b] = halves(members, options.groups, rng);
    metricRows.push(...a);
    twinRows.push(...b);
  }
  const testRows: number[] = [];
  for (const c of test) {
    const members = byClass.get(c)!;
    const limit = options.testPerClass;
    testRows.push(...(limit !== undefined && members.length > limit ? pick(members, limit, rng) : members));
  }
  const sorted = (v: number[]) => Int32Array.from(v).sort();
  return {
    train: sorted(train.flatMap((c) => byClass.get(c)!)),
    metric: sorted(metricRows),
    twin: sorted(twinRows),
    test: sorted(testRows),
    classes: { train, metric, test },
  };
}

/** `count` of the items at random, ascending. */
function pick(items: readonly number[], count: number, rng: Rng): number[] {
  const order = rng.permutation(items.length);
  return Array.from(order.subarray(0, count), (i) => items[i]!).sort((a, b) => a - b);
}

/** A class's samples in two halves: by group (alternating over its shuffled groups) when it has two or more, else at random. */
function halves(members: number[], groups: ArrayLike<number> | undefined, rng: Rng): [number[], number[]] {
  const distinct = groups === undefined ? [] : [...new Set(members.map((m) => groups[m]!))].sort((a, b) => a - b);
  if (distinct.length >= 2) {
    const order = rng.permutation(distinct.length);
    const side = new Map(Array.from(order, (g, rank) => [distinct[g]!, rank % 2]));
    return [members.filter((m) => side.get(groups![m]!) === 0), members.filter((m) => side.get(groups![m]!) === 1)];
  }
  const order = rng.permutation(members.length);
  const half = Math.ceil(members.length / 2);
  return [Array.from(order.subarray(0, half), (i) => members[i]!), Array.from(order.subarray(half), (i) => members[i]!)];
}
