import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, defineMetric, type Metric } from '@metricopt/core';

/** Recall of every class c: correct predictions of c / samples labelled c (NaN for a class absent from `labels`). */
export function perClassRecall(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): Float64Array {
  if (predictions.length !== labels.length) {
    throw new InvalidArgumentError('perClassRecall', 'predictions', `length ${labels.length} (as labels)`, `length ${predictions.length}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InvalidArgumentError('perClassRecall', 'numClasses', 'a positive integer', String(numClasses));
  }
  const hits = new Float64Array(numClasses);
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new InvalidArgumentError('perClassRecall', `labels[${i}]`, `an integer in [0, ${numClasses})`, String(y));
    }
    counts[y]! += 1;
    if (predictions[i] === y) hits[y]! += 1;
  }
  return hits.map((h, c) => (counts[c]! > 0 ? h / counts[c]! : Number.NaN));
}

/** 1 − mean recall over the classes present in `labels`. */
export function balancedError(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  const recalls = present(perClassRecall(predictions, labels, numClasses), 'balancedError');
  return 1 - recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

/** 1 − the lowest recall over the classes present in `labels`. */
export function worstClassError(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number {
  const recalls = present(perClassRecall(predictions, labels, numClasses), 'worstClassError');
  return 1 - Math.min(...recalls);
}

function present(recalls: Float64Array, fn: string): number[] {
  const out = Array.from(recalls).filter((r) => !Number.isNaN(r));
  if (out.length === 0) throw new InvalidArgumentError(fn, 'labels', 'at least one sample', 'none');
  return out;
}

/** The argmax class of every row of logits [N, C], and C. */
function argMaxRows(logits: tf.Tensor): { predictions: Int32Array; numClasses: number } {
  if (logits.rank !== 2) throw new InvalidArgumentError('class-recall metric', 'outputs', 'logits of rank 2 [N, C]', `a tensor of shape [${logits.shape.join(', ')}]`);
  const predictions = tf.tidy(() => tf.argMax(logits, 1).dataSync() as Int32Array);
  return { predictions, numClasses: logits.shape[1]! };
}

function labelsOf(targets: tf.Tensor): ArrayLike<number> {
  if (targets.rank !== 1) throw new InvalidArgumentError('class-recall metric', 'targets', 'integer labels of rank 1 [N]', `a tensor of shape [${targets.shape.join(', ')}]`);
  return targets.dataSync();
}

/** Balanced error rate on logits [N, C] and integer labels [N]; lower is better. */
export const balancedErrorMetric: Metric = defineMetric({
  name: 'balanced-error',
  higherIsBetter: false,
  evaluate: (outputs, targets) => {
    const { predictions, numClasses } = argMaxRows(outputs);
    return balancedError(predictions, labelsOf(targets), numClasses);
  },
});

/** Worst-class error (1 − the lowest per-class recall) on logits [N, C] and integer labels [N]; lower is better. */
export const worstClassErrorMetric: Metric = defineMetric({
  name: 'worst-class-error',
  higherIsBetter: false,
  evaluate: (outputs, targets) => {
    const { predictions, numClasses } = argMaxRows(outputs);
    return worstClassError(predictions, labelsOf(targets), numClasses);
  },
});
