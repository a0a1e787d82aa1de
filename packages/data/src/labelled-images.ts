import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Split } from '@metricopt/core';
import { describe } from '@metricopt/core';
import type { IdxData } from './idx-dtype.js';

/**
 * Labelled images in host memory, row-major, as the IDX loaders return them: `images` holds
 * N·H·W(·C) elements of shape [N, H, W] (grayscale) or [N, H, W, C]; `labels[i]` is image i's class.
 */
export interface LabelledImages {
  images: IdxData;
  shape: number[];
  labels: Int32Array;
}

/** How host images become model inputs and targets. */
export interface TensorOptions {
  /** Multiplies every element (default 1/255 for Uint8Array images — [0, 255] → [0, 1] —, else 1). */
  scale?: number;
  /** After scaling: (x − mean) / std, per channel (the last axis). */
  normalize?: { mean: number | readonly number[]; std: number | readonly number[] };
  /** Targets as one-hot float32 [n, oneHot] instead of int32 labels [n]. */
  oneHot?: number;
}

export interface ToSplitOptions extends TensorOptions {
  /** The rows to take, in this order (default: all). */
  indices?: ArrayLike<number>;
}

/** A LabelledImages checked once, with its conversion settings resolved. */
export interface PreparedImages {
  set: LabelledImages;
  /** Shape of one row of x: [H, W, C] (C = 1 for [N, H, W] images). */
  rowShape: number[];
  rowSize: number;
  scale: number;
  mean: number[];
  std: number[];
  oneHot: number | undefined;
}

export function prepareImages(fn: string, set: LabelledImages, options: TensorOptions): PreparedImages {
  const shape = set?.shape;
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(fn, 'set.shape', '[N, H, W] or [N, H, W, C] of non-negative integers', describe(shape));
  }
  const n = shape[0]!;
  const rowShape = shape.length === 3 ? [...shape.slice(1), 1] : shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  if (!ArrayBuffer.isView(set.images) || (set.images as IdxData).length !== n * rowSize) {
    throw new InvalidArgumentError(fn, 'set.images', `a typed array of ${n * rowSize} elements (shape [${shape.join(', ')}])`, describe(set.images));
  }
  if (set.labels?.length !== n) throw new InvalidArgumentError(fn, 'set.labels', `${n} labels`, describe(set.labels));
  const scale = options.scale ?? (set.images instanceof Uint8Array ? 1 / 255 : 1);
  if (!Number.isFinite(scale)) throw new InvalidArgumentError(fn, 'options.scale', 'a finite number', describe(scale));
  const channels = rowShape[rowShape.length - 1]!;
  const perChannel = (v: number | readonly number[] | undefined, what: string, fallback: number, ok: (x: number) => boolean): number[] => {
    if (v === undefined) return new Array<number>(channels).fill(fallback);
    const list = typeof v === 'number' ? new Array<number>(channels).fill(v) : Array.isArray(v) ? [...v] : [];
    if (list.length !== channels || !list.every((x) => typeof x === 'number' && ok(x))) {
      throw new InvalidArgumentError(fn, `options.normalize.${what}`, `a number or ${channels} numbers (one per channel)${what === 'std' ? ', positive' : ''}`, describe(v));
    }
    return list;
  };
  const mean = perChannel(options.normalize?.mean, 'mean', 0, Number.isFinite);
  const std = perChannel(options.normalize?.std, 'std', 1, (x) => Number.isFinite(x) && x > 0);
  const oneHot = options.oneHot;
  if (oneHot !== undefined && (!Number.isInteger(oneHot) || oneHot <= 0)) {
    throw new InvalidArgumentError(fn, 'options.oneHot', 'a positive class count', describe(oneHot));
  }
  return { set, rowShape, rowSize, scale, mean, std, oneHot };
}

/** Rows of a prepared set as tensors: x float32 [n, ...rowShape], y int32 [n] or one-hot float32 [n, K]. */
export function gatherRows(fn: string, p: PreparedImages, rows: ArrayLike<number>): Split {
  const n = p.set.shape[0]!;
  const { rowSize, scale, mean, std } = p;
  const channels = mean.length;
  // x·a_c + b_c is (x·scale − mean_c) / std_c, without a division per element.
  const a = mean.map((_, c) => scale / std[c]!);
  const b = mean.map((m, c) => -m / std[c]!);
  const images = p.set.images;
  const x = new Float32Array(rows.length * rowSize);
  const y = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (!Number.isInteger(row) || row < 0 || row >= n) throw new InvalidArgumentError(fn, 'indices', `integers in [0, ${n})`, `${row} at position ${r}`);
    const label = p.set.labels[row]!;
    if (p.oneHot !== undefined && !(label >= 0 && label < p.oneHot)) {
      throw new InvalidArgumentError(fn, 'set.labels', `classes in [0, ${p.oneHot}) for oneHot`, `${label} at index ${row}`);
    }
    y[r] = label;
    const src = row * rowSize;
    const dst = r * rowSize;
    for (let c = 0; c < channels; c++) {
      const ac = a[c]!;
      const bc = b[c]!;
      for (let k = c; k < rowSize; k += channels) x[dst + k] = images[src + k]! * ac + bc;
    }
  }
  const xs = tf.tensor(x, [rows.length, ...p.rowShape], 'float32');
  if (p.oneHot === undefined) return { x: xs, y: tf.tensor1d(y, 'int32') };
  const depth = p.oneHot;
  return { x: xs, y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), depth), 'float32')) };
}

/**
 * Host images as one split of tensors: x float32 [n, H, W, C] (scaled, and normalised if asked),
 * y int32 labels [n] or one-hot [n, K]. The caller disposes both.
 *
 * ```ts
 * const { train } = await loadFashionMnist();
 * const metric = toSplit(train, { indices: split.metric });   // x [6000, 28, 28, 1] in [0, 1], y [6000]
 * ```
 */
export function toSplit(set: LabelledImages, options: ToSplitOptions = {}): Split {
  const p = prepareImages('toSplit', set, options);
  const rows = options.indices ?? Int32Array.from({ length: set.shape[0]! }, (_, i) => i);
  return gatherRows('toSplit', p, rows);
}
