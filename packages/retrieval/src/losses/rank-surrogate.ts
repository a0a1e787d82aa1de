import * as tf from '@tensorflow/tfjs-core';

/**
 * The sigmoid-relaxed rank of item j in query i's ranking of the batch (the query itself left out),
 * over all others and over i's positives only, [N, N] each:
 *   all[i][j]       = 1 + Σ_{k ≠ i, j} σ((s_ik − s_ij)/τ)
 *   positives[i][j] = 1 + Σ_{k ≠ i, j, same label as i} σ((s_ik − s_ij)/τ)
 * Builds an N×N×N tensor: meant for batches of up to a few hundred.
 */
export function sigmoidRanks(
  similarities: tf.Tensor2D,
  positive: tf.Tensor2D,
  notSelf: tf.Tensor2D,
  temperature: number,
): { all: tf.Tensor2D; positives: tf.Tensor2D } {
  return tf.tidy(() => {
    // difference[i][j][k] = s_ik − s_ij
    const difference = tf.sub(tf.expandDims(similarities, 1), tf.expandDims(similarities, 2));
    const above = tf.sigmoid(tf.div(difference, temperature));
    // k ≠ i and k ≠ j
    const counted = tf.mul(tf.mul(above, tf.expandDims(notSelf, 1)), tf.expandDims(notSelf, 0));
    const all = tf.add(1, tf.sum(counted, 2)) as tf.Tensor2D;
    const positives = tf.add(1, tf.sum(tf.mul(counted, tf.expandDims(positive, 1)), 2)) as tf.Tensor2D;
    return { all, positives };
  });
}
