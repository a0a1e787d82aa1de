import { InvalidArgumentError, defineMetric, describe, type Metric } from '@metricopt/core';
import { hostPredictions, type Labels, type Logits } from './predictions.js';

/**
 * Average precision of a binary ranking, exactly as scikit-learn's `average_precision_score`:
 * AP = Σ_k (R_k − R_{k−1})·P_k over the distinct score thresholds, highest first, where samples
 * with equal scores enter together (so the order of ties does not matter). With no positives it is 0.
 *
 * ```ts
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);   // 0.8333…
 * ```
 */
export function averagePrecision(scores: ArrayLike<number>, positives: ArrayLike<number | boolean>): number {
  const fn = 'averagePrecision';
  const n = scores?.length;
  if (typeof n !== 'number' || n === 0 || positives?.length !== n) {
    throw new InvalidArgumentError(fn, 'positives', `one flag per score (${n ?? '?'} scores)`, describe(positives));
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]!)) throw new InvalidArgumentError(fn, 'scores', 'finite numbers', `${scores[i]} at index ${i}`);
    order[i] = i;
  }
  order.sort((a, b) => scores[b]! - scores[a]!);
  let total = 0;
  for (let i = 0; i < n; i++) if (positives[i]) total++;
  if (total === 0) return 0;
  let ap = 0;
  let tp = 0;
  let seen = 0;
  let prevTp = 0;
  for (let i = 0; i < n; i++) {
    const idx = order[i]!;
    if (positives[idx]) tp++;
    seen++;
    // A threshold closes at the last sample of a run of equal scores.
    if (i + 1 < n && scores[order[i + 1]!] === scores[idx]) continue;
    if (tp > prevTp) ap += ((tp - prevTp) / total) * (tp / seen);
    prevTp = tp;
  }
  return ap;
}

export interface AucprOptions {
  /** Rank samples by softmax probabilities (default) or by the raw logits of each class. */
  scores?: 'softmax' | 'raw';
}

/**
 * Area under the precision-recall curve, one-vs-rest: the average precision of every class
 * present in the labels (its samples against all others, ranked by that class's score), averaged
 * over those classes. Higher is better.
 *
 * ```ts
 * aucpr(logitsTensor, labelsTensor);   // 0.91
 * ```
 */
export function aucpr(logits: Logits, labels: Labels, options: AucprOptions = {}): number {
  const { scores: raw, labels: y, n, classes } = hostPredictions('aucpr', logits, labels);
  const mode = options.scores ?? 'softmax';
  if (mode !== 'softmax' && mode !== 'raw') throw new InvalidArgumentError('aucpr', 'options.scores', "'softmax' or 'raw'", describe(mode));
  const scores = mode === 'softmax' ? softmaxRows(raw, n, classes) : raw;
  const column = new Float64Array(n);
  const positive = new Uint8Array(n);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    let any = false;
    for (let i = 0; i < n; i++) {
      column[i] = scores[i * classes + c]!;
      positive[i] = y[i] === c ? 1 : 0;
      any ||= positive[i] === 1;
    }
    if (!any) continue;
    sum += averagePrecision(column, positive);
    present++;
  }
  return sum / present;
}

function softmaxRows(logits: ArrayLike<number>, n: number, classes: number): Float64Array {
  const out = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]!);
    let z = 0;
    for (let c = 0; c < classes; c++) {
      out[row + c] = Math.exp(logits[row + c]! - max);
      z += out[row + c]!;
    }
    for (let c = 0; c < classes; c++) out[row + c]! /= z;
  }
  return out;
}

/** `aucpr` (higher is better). */
export const aucprMetric: Metric = defineMetric({ name: 'aucpr', higherIsBetter: true, evaluate: (logits, labels) => aucpr(logits, labels) });
