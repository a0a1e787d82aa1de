import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '@metricopt/core';
import { checkDistance, checkLossInputs, checkPositive, pairwiseDistances, type LossDistance } from './pairwise.js';

export interface TripletLossOptions {
  /** max(0, d(a, p) − d(a, n) + margin) (default 0.2). */
  margin?: number;
  /** 'cosine' (default) or 'euclidean'. */
  distance?: LossDistance;
}

/**
 * Triplet loss with semi-hard negative mining (FaceNet, Schroff et al. 2015): every anchor-positive
 * pair (same label, a ≠ p) gets the negative n that is closest to the anchor among those farther
 * than the positive (d(a, n) > d(a, p)); when the anchor has no such negative, the hardest one
 * (closest to the anchor) is used instead — unlike TF-Addons, which falls back to the farthest.
 * The loss is the mean of max(0, d(a, p) − d(a, n) + margin) over pairs whose anchor has a
 * negative; 0 (with a zero gradient) when there are none. Mining uses the current distances and is
 * not differentiated through.
 *
 * ```ts
 * const loss = tripletLoss({ margin: 0.2 });
 * loss(embeddings, labels); // tf.Scalar
 * ```
 */
export function tripletLoss(options: TripletLossOptions = {}): LossFn {
  const fn = 'tripletLoss';
  const margin = checkPositive(fn, 'margin', options.margin ?? 0.2);
  const distance = checkDistance(fn, options.distance ?? 'cosine');
  return (embeddings, labels) =>
    tf.tidy(() => {
      checkLossInputs(fn, embeddings, labels);
      const n = embeddings.shape[0]!;
      const d = pairwiseDistances(embeddings as tf.Tensor2D, distance);
      const { anchorPositive, anchorNegative } = mineSemiHard(d.dataSync() as Float32Array, labels.dataSync(), n);
      if (anchorPositive.length === 0) return tf.mul(tf.sum(embeddings), 0) as tf.Scalar;
      const flat = tf.reshape(d, [n * n]);
      const ap = tf.gather(flat, tf.tensor1d(anchorPositive, 'int32'));
      const an = tf.gather(flat, tf.tensor1d(anchorNegative, 'int32'));
      return tf.mean(tf.relu(tf.add(tf.sub(ap, an), margin))) as tf.Scalar;
    });
}

/** For each usable anchor-positive pair, its flat index a·n + p and that of its mined negative a·n + m. */
export function mineSemiHard(
  d: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
): { anchorPositive: number[]; anchorNegative: number[] } {
  const anchorPositive: number[] = [];
  const anchorNegative: number[] = [];
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      const dap = d[a * n + p]!;
      let semiHard = -1;
      let hardest = -1;
      for (let m = 0; m < n; m++) {
        if (labels[m] === labels[a]) continue;
        const dan = d[a * n + m]!;
        if (dan > dap && (semiHard < 0 || dan < d[a * n + semiHard]!)) semiHard = m;
        if (hardest < 0 || dan < d[a * n + hardest]!) hardest = m;
      }
      if (hardest < 0) continue; // no negative for this anchor
      anchorPositive.push(a * n + p);
      anchorNegative.push(a * n + (semiHard >= 0 ? semiHard : hardest));
    }
  }
  return { anchorPositive, anchorNegative };
}
