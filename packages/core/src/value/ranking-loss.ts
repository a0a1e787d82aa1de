import * as tf from '@tensorflow/tfjs-core';
import type { ObservationRound } from '../observation.js';

/** What the ranking loss reads of a round. */
type RankedRound = Pick<ObservationRound, 'deltas' | 'scores'>;

/** Pairs (i, j) of one round with score_i > score_j: `orderedPairs([3, 1, 2]) === 3`. */
export function orderedPairs(scores: number[]): number {
  let n = 0;
  for (const a of scores) for (const b of scores) if (a > b) n++;
  return n;
}

/** The RMS of every coordinate of every point (1 when there are none or all are 0): a value net's input scale. */
export function rmsOrOne(rounds: readonly RankedRound[]): number {
  let ss = 0;
  let n = 0;
  for (const r of rounds) {
    for (const d of r.deltas) {
      for (let i = 0; i < d.length; i++) ss += d[i]! * d[i]!;
      n += d.length;
    }
  }
  const rms = n > 0 ? Math.sqrt(ss / n) : 0;
  return rms > 0 ? rms : 1;
}

/**
 * A minibatch of rounds for the ranking loss: points [B·width, d] divided by `inputScale` (rounds padded to `width`),
 * the mask [B, width, width] of ordered pairs (1 where score_i > score_j) and their count.
 * Example: `rankingBatch(rounds, 4, 8, 1)` for rounds of at most 4 points in 8 dimensions.
 */
export function rankingBatch(rounds: readonly RankedRound[], width: number, d: number, inputScale: number): { x: tf.Tensor2D; mask: tf.Tensor3D; pairs: number } {
  const flat = new Float32Array(rounds.length * width * d);
  const mask = new Float32Array(rounds.length * width * width);
  let pairs = 0;
  rounds.forEach((r, b) => {
    r.deltas.forEach((p, i) => {
      for (let k = 0; k < d; k++) flat[(b * width + i) * d + k] = p[k]! / inputScale;
    });
    for (let i = 0; i < r.scores.length; i++) {
      for (let j = 0; j < r.scores.length; j++) {
        if (r.scores[i]! > r.scores[j]!) {
          mask[(b * width + i) * width + j] = 1;
          pairs++;
        }
      }
    }
  });
  return { x: tf.tensor2d(flat, [rounds.length * width, d]), mask: tf.tensor3d(mask, [rounds.length, width, width]), pairs };
}

/**
 * The summed pairwise logistic ranking loss Σ mask_ij · softplus(−(v_i − v_j)) of values `v` [B·width] (or [B·width, 1])
 * against `mask` [B, width, width] from `rankingBatch`. Call inside `tf.tidy` or an optimizer's `minimize`.
 */
export function rankingLossSum(v: tf.Tensor, mask: tf.Tensor3D): tf.Scalar {
  const [rounds, width] = mask.shape;
  const byRound = tf.reshape(v, [rounds, width]);
  const better = tf.sub(tf.expandDims(byRound, 2), tf.expandDims(byRound, 1));
  return tf.sum(tf.mul(tf.softplus(tf.neg(better)), mask));
}
