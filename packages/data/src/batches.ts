import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Rng, type Split } from '@metricopt/core';
import { describe } from '@metricopt/core';
import { gatherRows, prepareImages, type LabelledImages, type TensorOptions } from './labelled-images.js';
import { checkRng } from './labels.js';

export interface BatchOptions extends TensorOptions {
  batchSize: number;
  /** Reshuffles the rows every epoch; without it rows come in order. */
  rng?: Rng;
  /** Epochs per iteration (default 1; Infinity for an endless stream). */
  epochs?: number;
  /** Drop each epoch's last, smaller batch (default false). */
  dropLast?: boolean;
  /** Only these rows (default: all). */
  indices?: ArrayLike<number>;
  /**
   * false (default): the iterable owns its batches — each is disposed when the next one is asked
   * for, or when the loop ends (what core's finetune and cacheFeatures expect). true: the caller
   * keeps and disposes every batch.
   */
  keepBatches?: boolean;
}

/**
 * Batches {x, y} of tensors from host images (LabelledImages, converted as in toSplit) or from a
 * tensor split ({x, y}, rows gathered; scale/normalize/oneHot applied too when given). Every
 * `for await` runs `epochs` epochs, reshuffled from `rng`, so the order is the same for a seed.
 *
 * ```ts
 * const train = batches(fashion.train, { batchSize: 64, rng: new Rng(1), indices: split.train });
 * for await (const { x, y } of train) { ... }   // x [64, 28, 28, 1] float32, y [64] int32
 * ```
 */
export function batches(source: LabelledImages | Split, options: BatchOptions): AsyncIterable<Split> {
  const fn = 'batches';
  const { batchSize } = options ?? {};
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new InvalidArgumentError(fn, 'options.batchSize', 'a positive integer', describe(batchSize));
  const epochs = options.epochs ?? 1;
  if (!(epochs === Infinity || (Number.isInteger(epochs) && epochs >= 0))) {
    throw new InvalidArgumentError(fn, 'options.epochs', 'a non-negative integer or Infinity', describe(epochs));
  }
  const rng = options.rng === undefined ? undefined : checkRng(fn, options.rng);
  const fromTensors = isTensorSplit(source);
  const n = fromTensors ? checkTensorSplit(fn, source) : source?.shape?.[0];
  const makeBatch = fromTensors ? tensorBatcher(fn, source, options) : hostBatcher(fn, source, options);
  const given = options.indices;
  const rows = given === undefined ? Int32Array.from({ length: n ?? 0 }, (_, i) => i) : Int32Array.from(given);
  if (given !== undefined) {
    rows.forEach((r, i) => {
      if (r < 0 || r >= n! || r !== given[i]) throw new InvalidArgumentError(fn, 'options.indices', `integers in [0, ${n})`, `${given[i]} at position ${i}`);
    });
  }
  const keep = options.keepBatches ?? false;
  const dropLast = options.dropLast ?? false;

  async function* generate(): AsyncGenerator<Split> {
    let current: Split | undefined;
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = rng === undefined ? rows : rng.permutation(rows.length).map((p) => rows[p]!);
        const end = dropLast ? order.length - (order.length % batchSize) : order.length;
        if (end === 0) return;   // no batch at all: an endless stream would spin
        for (let start = 0; start < end; start += batchSize) {
          if (!keep && current !== undefined) tf.dispose([current.x, current.y]);
          current = makeBatch(order.subarray(start, Math.min(start + batchSize, end)));
          yield current;
        }
      }
    } finally {
      if (!keep && current !== undefined) tf.dispose([current.x, current.y]);
    }
  }
  return { [Symbol.asyncIterator]: generate };
}

function isTensorSplit(source: unknown): source is Split {
  const s = source as Partial<Split> | null;
  return s?.x instanceof tf.Tensor || s?.y instanceof tf.Tensor;
}

function checkTensorSplit(fn: string, s: Split): number {
  if (!(s.x instanceof tf.Tensor) || !(s.y instanceof tf.Tensor) || s.x.rank === 0 || s.y.rank === 0 || s.x.shape[0] !== s.y.shape[0]) {
    throw new InvalidArgumentError(fn, 'source', 'LabelledImages or {x, y} tensors with the same first dimension', `x ${describe(s.x)} and y ${describe(s.y)}`);
  }
  return s.x.shape[0]!;
}

function hostBatcher(fn: string, set: LabelledImages, options: TensorOptions): (rows: Int32Array) => Split {
  const prepared = prepareImages(fn, set, options);
  return (rows) => gatherRows(fn, prepared, rows);
}

function tensorBatcher(fn: string, split: Split, options: TensorOptions): (rows: Int32Array) => Split {
  const { scale, normalize, oneHot } = options;
  const channels = split.x.shape[split.x.rank - 1]!;
  const toList = (v: number | readonly number[] | undefined, fallback: number) => (v === undefined ? [fallback] : typeof v === 'number' ? [v] : [...v]);
  const mean = toList(normalize?.mean, 0);
  const std = toList(normalize?.std, 1);
  if (![1, channels].includes(mean.length) || ![1, channels].includes(std.length) || !std.every((s) => s > 0)) {
    throw new InvalidArgumentError(fn, 'options.normalize', `mean and std as one number or ${channels} (std positive)`, JSON.stringify(normalize));
  }
  if (oneHot !== undefined && (!Number.isInteger(oneHot) || oneHot <= 0 || split.y.rank !== 1)) {
    throw new InvalidArgumentError(fn, 'options.oneHot', 'a positive class count, with labels y of rank 1', `${describe(oneHot)} with y ${describe(split.y)}`);
  }
  const transform = scale !== undefined || normalize !== undefined;
  return (rows) => tf.tidy(() => {
    const idx = tf.tensor1d(rows, 'int32');
    let x = tf.gather(split.x, idx);
    if (transform) x = tf.div(tf.sub(tf.mul(tf.cast(x, 'float32'), scale ?? 1), tf.tensor1d(mean)), tf.tensor1d(std));
    let y = tf.gather(split.y, idx);
    if (oneHot !== undefined) y = tf.cast(tf.oneHot(tf.cast(y, 'int32'), oneHot), 'float32');
    return { x, y };
  });
}
