import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe, type LossFn, type Rng, type Split } from '@metricopt/core';

export interface MPerClassSplitOptions {
  /** M: samples of one class per group (default 4). */
  samplesPerClass?: number;
  /** How many independent groupings of the samples to stack (default 4): more pairs of positives over an epoch. */
  groupings?: number;
  rng: Rng;
}

/**
 * A training split regrouped so that any batch of its rows is an M-per-class batch: row g of the
 * result holds M samples of one class (`x` [G, M, ...], `y` [G, M]). core's finetune draws rows
 * uniformly, so a batch of b rows carries b·M samples with M − 1 positives each, where b·M
 * random samples from hundreds of classes would have almost none. Each grouping shuffles every
 * class and cuts it into groups of M (a class with fewer than M samples is topped up with
 * repeats); `groupings` such passes are stacked. The caller disposes the tensors. The model must
 * take such rows — a head cut with `cutEmbeddingModel(model, layer, { grouped: true })` does —
 * and the loss must flatten them: groupedLoss.
 *
 * ```ts
 * const { head } = cutEmbeddingModel(model, 'block3_film', { grouped: true });
 * const grouped = mPerClassSplit(train, { samplesPerClass: 4, groupings: 4, rng: new Rng(1) });
 * grouped.x.shape;   // [G, 4, 64]
 * await finetune({ model: head, params: embeddingParams(head, 'last', { boundary: false }), data: { train: grouped, metric },
 *   batchSize: 32, loss: groupedLoss(contrastiveLoss()), ... });   // 128 samples a step
 * ```
 */
export function mPerClassSplit(split: Split, options: MPerClassSplitOptions): Split {
  const fn = 'mPerClassSplit';
  const m = options?.samplesPerClass ?? 4;
  const groupings = options?.groupings ?? 4;
  if (!Number.isInteger(m) || m < 2) throw new InvalidArgumentError(fn, 'samplesPerClass', 'an integer ≥ 2', describe(m));
  if (!Number.isInteger(groupings) || groupings < 1) throw new InvalidArgumentError(fn, 'groupings', 'a positive integer', describe(groupings));
  if (split?.y?.rank !== 1 || split.x.shape[0] !== split.y.shape[0]) {
    throw new InvalidArgumentError(fn, 'split', '{ x [n, ...], y [n] } with integer labels', describe(split?.y));
  }
  const labels = split.y.dataSync();
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => {
    const list = byClass.get(y);
    if (list === undefined) byClass.set(y, [i]);
    else list.push(i);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const rows: number[] = [];
  for (let g = 0; g < groupings; g++) {
    for (const c of classes) {
      const members = byClass.get(c)!;
      const order = options.rng.permutation(members.length);
      if (members.length < m) {
        for (let i = 0; i < m; i++) rows.push(members[i < members.length ? order[i]! : options.rng.int(members.length)]!);
        continue;
      }
      for (let start = 0; start + m <= members.length; start += m) {
        for (let i = start; i < start + m; i++) rows.push(members[order[i]!]!);
      }
    }
  }
  const groups = rows.length / m;
  return tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32');
    const x = tf.gather(split.x, index);
    const y = tf.gather(split.y, index);
    return { x: tf.reshape(x, [groups, m, ...split.x.shape.slice(1)]), y: tf.reshape(y, [groups, m]) };
  });
}

/**
 * A pairwise loss that also takes grouped batches: outputs [b, M, D] become [b·M, D] and labels
 * [b, M] become [b·M] (a grouped head's outputs are flat already; plain batches pass through).
 *
 * ```ts
 * const loss = groupedLoss(smoothApLoss());
 * ```
 */
export function groupedLoss(loss: LossFn): LossFn {
  if (typeof loss !== 'function') throw new InvalidArgumentError('groupedLoss', 'loss', 'a LossFn', describe(loss));
  return (outputs, targets) =>
    tf.tidy(() => {
      if (outputs.rank <= 2 && targets.rank <= 1) return loss(outputs, targets);
      const d = outputs.shape[outputs.rank - 1]!;
      return loss(tf.reshape(outputs, [-1, d]), tf.reshape(targets, [-1]));
    });
}
