import { describe, InvalidArgumentError } from '@metricopt/core';
import { checkFormat, type BoxFormat } from './box-format.js';
import { boxCorners, iouOfCorners } from './box-iou.js';

export interface NmsOptions {
  /** A box is suppressed by a higher-scoring kept box when their IoU is above this (torchvision's rule). */
  iouThreshold: number;
  /** Keep at most this many boxes (all by default). */
  maxDetections?: number;
  /** Drop boxes scoring below this before suppression (none by default). */
  scoreThreshold?: number;
  /** 'xyxy' by default. */
  format?: BoxFormat;
}

interface Checked {
  corners: Float64Array;
  n: number;
  iouThreshold: number;
  maxDetections: number;
  scoreThreshold: number;
}

function check(fn: string, boxes: ArrayLike<number>, scores: ArrayLike<number>, o: NmsOptions): Checked {
  const corners = boxCorners(fn, 'boxes', boxes, checkFormat(fn, 'options.format', o.format ?? 'xyxy'));
  const n = corners.length / 5;
  if (scores?.length !== n) throw new InvalidArgumentError(fn, 'scores', `one score per box (${n})`, describe(scores));
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new InvalidArgumentError(fn, `scores[${i}]`, 'a number', 'NaN');
  if (typeof o?.iouThreshold !== 'number' || !(o.iouThreshold >= 0 && o.iouThreshold <= 1)) {
    throw new InvalidArgumentError(fn, 'options.iouThreshold', 'a number in [0, 1]', describe(o?.iouThreshold));
  }
  const maxDetections = o.maxDetections ?? Infinity;
  if (!(maxDetections >= 0) || (Number.isFinite(maxDetections) && !Number.isInteger(maxDetections))) {
    throw new InvalidArgumentError(fn, 'options.maxDetections', 'a non-negative integer', describe(o.maxDetections));
  }
  return { corners, n, iouThreshold: o.iouThreshold, maxDetections, scoreThreshold: o.scoreThreshold ?? -Infinity };
}

/** Indices of `subset` sorted by score descending, ties by lower index (stable). */
function byScore(subset: number[], scores: ArrayLike<number>): number[] {
  return subset.sort((i, j) => scores[j]! - scores[i]! || i - j);
}

/** Greedy suppression over candidates already sorted by score. */
function greedy(order: number[], c: Float64Array, iouThreshold: number, maxDetections: number): number[] {
  const kept: number[] = [];
  const suppressed = new Uint8Array(order.length);
  for (let a = 0; a < order.length && kept.length < maxDetections; a++) {
    if (suppressed[a]) continue;
    const i = order[a]!;
    kept.push(i);
    const o = 5 * i;
    for (let b = a + 1; b < order.length; b++) {
      if (suppressed[b]) continue;
      const p = 5 * order[b]!;
      const iou = iouOfCorners(c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!, c[o + 4]!, c[p]!, c[p + 1]!, c[p + 2]!, c[p + 3]!, c[p + 4]!, false);
      if (iou > iouThreshold) suppressed[b] = 1;
    }
  }
  return kept;
}

/**
 * Greedy non-maximum suppression: repeatedly keep the best remaining box and drop those overlapping it
 * by more than `iouThreshold`. Returns kept indices by score descending (ties: lower index first).
 *
 * @example
 * nms([0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60], [0.9, 0.8, 0.7], { iouThreshold: 0.5 }); // Int32Array [0, 2]
 */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, options: NmsOptions): Int32Array {
  const c = check('nms', boxes, scores, options);
  const candidates: number[] = [];
  for (let i = 0; i < c.n; i++) if (scores[i]! >= c.scoreThreshold) candidates.push(i);
  return Int32Array.from(greedy(byScore(candidates, scores), c.corners, c.iouThreshold, c.maxDetections));
}

/**
 * NMS within each class (boxes of different classes never suppress each other), then the survivors of
 * all classes by score descending (ties: lower index first), at most `maxDetections` of them.
 *
 * @example
 * classwiseNms([0, 0, 10, 10, 0, 0, 10, 10], [0.9, 0.8], [1, 2], { iouThreshold: 0.5 }); // Int32Array [0, 1]
 */
export function classwiseNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, classes: ArrayLike<number>, options: NmsOptions): Int32Array {
  const c = check('classwiseNms', boxes, scores, options);
  if (classes?.length !== c.n) throw new InvalidArgumentError('classwiseNms', 'classes', `one class per box (${c.n})`, describe(classes));
  const perClass = new Map<number, number[]>();
  for (let i = 0; i < c.n; i++) {
    if (!(scores[i]! >= c.scoreThreshold)) continue;
    const list = perClass.get(classes[i]!);
    if (list) list.push(i);
    else perClass.set(classes[i]!, [i]);
  }
  const kept: number[] = [];
  for (const list of perClass.values()) kept.push(...greedy(byScore(list, scores), c.corners, c.iouThreshold, c.maxDetections));
  return Int32Array.from(byScore(kept, scores).slice(0, Number.isFinite(c.maxDetections) ? c.maxDetections : undefined));
}
