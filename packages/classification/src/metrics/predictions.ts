import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '@metricopt/core';

/** Logits (or any per-class scores) [N, C]: a tensor, or a row-major Float32Array whose row count comes from the labels. */
export type Logits = tf.Tensor | Float32Array | Float64Array;

/** Integer class labels [N] (a tensor, a typed array or a list), or one-hot targets as a tensor [N, C]. */
export type Labels = tf.Tensor | ArrayLike<number>;

/** Logits and labels in host memory, checked: `scores[i·classes + c]` is sample i's score for class c. */
export interface HostPredictions {
  scores: Float32Array | Float64Array;
  labels: Int32Array;
  n: number;
  classes: number;
}

/**
 * Brings a metric's inputs to host memory once, at the boundary, with checks that name the
 * function: logits [N, C] with C ≥ 1, N ≥ 1 labels that are integers in [0, C).
 */
export function hostPredictions(fn: string, logits: Logits, labels: Labels): HostPredictions {
  const y = hostLabels(fn, labels);
  const n = y.length;
  if (n === 0) throw new InvalidArgumentError(fn, 'labels', 'at least one label', 'none');
  let scores: Float32Array | Float64Array;
  let classes: number;
  if (logits instanceof tf.Tensor) {
    if (logits.rank !== 2 || logits.shape[0] !== n) {
      throw new InvalidArgumentError(fn, 'logits', `a tensor [${n}, C] (one row per label)`, describe(logits));
    }
    classes = logits.shape[1]!;
    scores = logits.dtype === 'float32' ? (logits.dataSync() as Float32Array) : Float32Array.from(logits.dataSync());
  } else if (logits instanceof Float32Array || logits instanceof Float64Array) {
    classes = logits.length / n;
    if (!Number.isInteger(classes)) {
      throw new InvalidArgumentError(fn, 'logits', `N·C values for N = ${n} labels`, describe(logits));
    }
    scores = logits;
  } else {
    throw new InvalidArgumentError(fn, 'logits', 'a tensor [N, C] or a Float32Array of N·C values', describe(logits));
  }
  if (classes < 1) throw new InvalidArgumentError(fn, 'logits', 'at least one class column', describe(logits));
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!(c >= 0 && c < classes)) throw new InvalidArgumentError(fn, 'labels', `integers in [0, ${classes})`, `${c} at index ${i}`);
  }
  return { scores, labels: y, n, classes };
}

function hostLabels(fn: string, labels: Labels): Int32Array {
  if (labels instanceof tf.Tensor) {
    if (labels.rank === 1) {
      const values = labels.dataSync();
      return labels.dtype === 'int32' ? Int32Array.from(values) : checkIntegers(fn, values);
    }
    if (labels.rank === 2) return tf.tidy(() => tf.argMax(labels, 1).dataSync() as Int32Array).slice();
    throw new InvalidArgumentError(fn, 'labels', 'integer labels [N] or one-hot targets [N, C]', describe(labels));
  }
  if (labels !== null && typeof labels === 'object' && typeof (labels as ArrayLike<number>).length === 'number') {
    return checkIntegers(fn, labels);
  }
  throw new InvalidArgumentError(fn, 'labels', 'integer labels (a tensor, typed array or list)', describe(labels));
}

function checkIntegers(fn: string, values: ArrayLike<number>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) throw new InvalidArgumentError(fn, 'labels', 'integer class labels', `${v} at index ${i}`);
    out[i] = v;
  }
  return out;
}

/** Each row's predicted class: the first index of its largest score (tf.argMax's tie rule). */
export function argmaxRows(p: HostPredictions): Int32Array {
  const { scores, n, classes } = p;
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let best = 0;
    let bestScore = scores[row]!;
    for (let c = 1; c < classes; c++) {
      const s = scores[row + c]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    pred[i] = best;
  }
  return pred;
}

/** Per-class true positives, support (label count) and predicted count. */
export interface ClassCounts {
  truePositives: Float64Array;
  support: Float64Array;
  predicted: Float64Array;
}

export function classOutcomes(p: HostPredictions): ClassCounts {
  const pred = argmaxRows(p);
  const counts: ClassCounts = {
    truePositives: new Float64Array(p.classes),
    support: new Float64Array(p.classes),
    predicted: new Float64Array(p.classes),
  };
  for (let i = 0; i < p.n; i++) {
    const y = p.labels[i]!;
    counts.support[y]!++;
    counts.predicted[pred[i]!]!++;
    if (pred[i] === y) counts.truePositives[y]!++;
  }
  return counts;
}
