import { describe, InvalidArgumentError } from '@metricopt/core';
import { checkBoxes, checkFormat, type BoxFormat } from './box-format.js';

export interface BoxIouOptions {
  /** Format of both box arrays; 'xyxy' by default. */
  format?: BoxFormat;
  /** Per box of `b`: a crowd region, whose IoU is intersection over the area of the box of `a` (as pycocotools). */
  crowd?: ArrayLike<boolean | number>;
}

/**
 * IoU of one box against another, given as corners. For xywh input pycocotools computes the right
 * edge as w + x; callers pass corners computed that way to agree with it to the last bit.
 */
export function iouOfCorners(
  ax1: number, ay1: number, ax2: number, ay2: number, aArea: number,
  bx1: number, by1: number, bx2: number, by2: number, bArea: number, crowd: boolean,
): number {
  const w = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  if (w <= 0) return 0;
  const h = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (h <= 0) return 0;
  const inter = w * h;
  return inter / (crowd ? aArea : aArea + bArea - inter);
}

/** Corners and area of each box, checked: finite, width and height non-negative. */
export function boxCorners(fn: string, argument: string, boxes: ArrayLike<number>, format: BoxFormat): Float64Array {
  const n = checkBoxes(fn, argument, boxes);
  const out = new Float64Array(5 * n);
  for (let i = 0; i < n; i++) {
    const p = boxes[4 * i]!, q = boxes[4 * i + 1]!, r = boxes[4 * i + 2]!, s = boxes[4 * i + 3]!;
    let x1: number, y1: number, x2: number, y2: number, w: number, h: number;
    if (format === 'xyxy') [x1, y1, x2, y2, w, h] = [p, q, r, s, r - p, s - q];
    else if (format === 'xywh') [x1, y1, x2, y2, w, h] = [p, q, r + p, s + q, r, s];
    else [x1, y1, x2, y2, w, h] = [p - r / 2, q - s / 2, p + r / 2, q + s / 2, r, s];
    if (!(w >= 0 && h >= 0) || !Number.isFinite(x1 + y1 + x2 + y2)) {
      throw new InvalidArgumentError(fn, `${argument}[${4 * i}..${4 * i + 3}]`, `a finite ${format} box of non-negative size`, `[${p}, ${q}, ${r}, ${s}]`);
    }
    out.set([x1, y1, x2, y2, w * h], 5 * i);
  }
  return out;
}

/**
 * IoU of every box of `a` with every box of `b`: row-major n×m, `iou[i * m + j]`.
 *
 * @example
 * boxIou([0, 0, 10, 10], [5, 0, 15, 10]); // Float64Array [0.3333333333333333]
 */
export function boxIou(a: ArrayLike<number>, b: ArrayLike<number>, options: BoxIouOptions = {}): Float64Array {
  const format = checkFormat('boxIou', 'options.format', options.format ?? 'xyxy');
  const ca = boxCorners('boxIou', 'a', a, format);
  const cb = boxCorners('boxIou', 'b', b, format);
  const n = ca.length / 5;
  const m = cb.length / 5;
  const crowd = options.crowd;
  if (crowd !== undefined && crowd.length !== m) throw new InvalidArgumentError('boxIou', 'options.crowd', `one flag per box of b (${m})`, describe(crowd));
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const o = 5 * i;
    for (let j = 0; j < m; j++) {
      const p = 5 * j;
      out[i * m + j] = iouOfCorners(ca[o]!, ca[o + 1]!, ca[o + 2]!, ca[o + 3]!, ca[o + 4]!, cb[p]!, cb[p + 1]!, cb[p + 2]!, cb[p + 3]!, cb[p + 4]!, Boolean(crowd?.[j]));
    }
  }
  return out;
}
