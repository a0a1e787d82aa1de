import { InvalidArgumentError, describe, type Rng } from '@metricopt/core';

export interface MPerClassOptions {
  /** C: classes in every batch. */
  classesPerBatch: number;
  /** M: samples of each class in every batch. */
  samplesPerClass: number;
}

export interface MPerClassState {
  classOrder: number[];
  nextClass: number;
  queues: number[][];
  queuePositions: number[];
}

/**
 * Batches of C classes × M samples for metric learning (every batch has positives for every item),
 * as dataset indices grouped class by class. Epochs: the classes are shuffled at the start of each
 * epoch and taken C at a time, so an epoch has ⌊classes / C⌋ batches and no class appears twice in
 * it (the classes left over wait for the next shuffle). Within a class, samples are taken M at a
 * time from a shuffled queue without replacement, reshuffled when fewer than M remain (so a batch
 * never repeats a sample). A class with fewer than M samples gives all of them plus M − n drawn
 * with replacement. All randomness comes from the Rng passed in: same seed, same batches.
 *
 * ```ts
 * const sampler = new MPerClassSampler(labels, { classesPerBatch: 8, samplesPerClass: 4 }, new Rng(1));
 * sampler.next();            // Int32Array of 32 indices: 4 of one class, 4 of the next, …
 * sampler.batchesPerEpoch;   // ⌊classes / 8⌋
 * ```
 */
export class MPerClassSampler {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  /** The distinct labels, ascending; class c of the state is classes[c]. */
  readonly classes: number[];
  private readonly members: Int32Array[];
  private classOrder: Int32Array;
  private nextClass: number;
  private readonly queues: Int32Array[];
  private readonly queuePositions: Int32Array;
  private readonly options: MPerClassOptions;

  constructor(labels: ArrayLike<number>, options: MPerClassOptions, private readonly rng: Rng) {
    const fn = 'MPerClassSampler';
    const { classesPerBatch, samplesPerClass } = options ?? ({} as MPerClassOptions);
    if (!Number.isInteger(classesPerBatch) || classesPerBatch < 1) {
      throw new InvalidArgumentError(fn, 'classesPerBatch', 'a positive integer', describe(classesPerBatch));
    }
    if (!Number.isInteger(samplesPerClass) || samplesPerClass < 1) {
      throw new InvalidArgumentError(fn, 'samplesPerClass', 'a positive integer', describe(samplesPerClass));
    }
    const byLabel = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (!Number.isInteger(label)) throw new InvalidArgumentError(fn, 'labels', 'integers', `${label} at index ${i}`);
      const list = byLabel.get(label);
      if (list === undefined) byLabel.set(label, [i]);
      else list.push(i);
    }
    if (byLabel.size < classesPerBatch) {
      throw new InvalidArgumentError(fn, 'classesPerBatch', `at most the number of classes in labels (${byLabel.size})`, `${classesPerBatch}`);
    }
    this.classes = [...byLabel.keys()].sort((a, b) => a - b);
    this.members = this.classes.map((label) => Int32Array.from(byLabel.get(label)!));
    this.batchSize = classesPerBatch * samplesPerClass;
    this.batchesPerEpoch = Math.floor(this.classes.length / classesPerBatch);
    this.classOrder = rng.permutation(this.classes.length);
    this.nextClass = 0;
    this.queues = this.members.map((m) => shuffled(m, rng));
    this.queuePositions = new Int32Array(this.classes.length);
    this.options = { classesPerBatch, samplesPerClass };
  }

  /** The next batch: C·M dataset indices, M consecutive per class. */
  next(): Int32Array {
    const { classesPerBatch: c, samplesPerClass: m } = this.options;
    if (this.nextClass + c > this.classOrder.length) {
      this.classOrder = this.rng.permutation(this.classes.length);
      this.nextClass = 0;
    }
    const batch = new Int32Array(c * m);
    for (let slot = 0; slot < c; slot++) {
      const cls = this.classOrder[this.nextClass++]!;
      batch.set(this.take(cls, m), slot * m);
    }
    return batch;
  }

  /** The batches of one epoch (⌊classes / C⌋ of them), starting a fresh class shuffle. */
  epoch(): Int32Array[] {
    this.nextClass = this.classOrder.length;
    return Array.from({ length: this.batchesPerEpoch }, () => this.next());
  }

  getState(): MPerClassState {
    return {
      classOrder: Array.from(this.classOrder),
      nextClass: this.nextClass,
      queues: this.queues.map((q) => Array.from(q)),
      queuePositions: Array.from(this.queuePositions),
    };
  }

  /** Restores a state from getState() of a sampler over the same labels (restore the Rng's state too). */
  setState(state: MPerClassState): void {
    const k = this.classes.length;
    if (state?.classOrder?.length !== k || state.queues?.length !== k || state.queuePositions?.length !== k) {
      throw new InvalidArgumentError('MPerClassSampler.setState', 'state', `the state of a sampler over the same ${k} classes`, describe(state));
    }
    this.classOrder = Int32Array.from(state.classOrder);
    this.nextClass = state.nextClass;
    state.queues.forEach((q, c) => (this.queues[c] = Int32Array.from(q)));
    this.queuePositions.set(state.queuePositions);
  }

  private take(cls: number, m: number): Int32Array {
    const members = this.members[cls]!;
    if (members.length < m) {
      const out = new Int32Array(m);
      out.set(shuffled(members, this.rng));
      for (let i = members.length; i < m; i++) out[i] = members[this.rng.int(members.length)]!;
      return out;
    }
    if (this.queuePositions[cls]! + m > members.length) {
      this.queues[cls] = shuffled(members, this.rng);
      this.queuePositions[cls] = 0;
    }
    const at = this.queuePositions[cls]!;
    this.queuePositions[cls] = at + m;
    return this.queues[cls]!.slice(at, at + m);
  }
}

function shuffled(items: Int32Array, rng: Rng): Int32Array {
  const order = rng.permutation(items.length);
  return Int32Array.from(order, (i) => items[i]!);
}
