import { describe, InvalidArgumentError } from '@metricopt/core';

/**
 * How 4 numbers describe a box: corners (x1, y1, x2, y2), COCO's (x, y, width, height), or centre and size.
 */
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

export const BOX_FORMATS: readonly BoxFormat[] = Object.freeze(['xyxy', 'xywh', 'cxcywh']);

/** Checks a flat box array (4 numbers per box) and returns the box count. */
export function checkBoxes(fn: string, argument: string, boxes: ArrayLike<number>): number {
  if (boxes === null || typeof boxes !== 'object' || typeof boxes.length !== 'number' || boxes.length % 4 !== 0) {
    throw new InvalidArgumentError(fn, argument, 'a flat array of 4 numbers per box', describe(boxes));
  }
  return boxes.length / 4;
}

export function checkFormat(fn: string, argument: string, format: unknown): BoxFormat {
  if (!BOX_FORMATS.includes(format as BoxFormat)) throw new InvalidArgumentError(fn, argument, `one of ${BOX_FORMATS.join(', ')}`, describe(format));
  return format as BoxFormat;
}

/**
 * Converts flat boxes (4 numbers per box) between formats; Float32Array in gives Float32Array out.
 *
 * @example
 * convertBoxes([10, 20, 30, 40], 'xywh', 'xyxy'); // Float64Array [10, 20, 40, 60]
 */
export function convertBoxes(boxes: Float32Array, from: BoxFormat, to: BoxFormat): Float32Array;
export function convertBoxes(boxes: Float64Array | readonly number[], from: BoxFormat, to: BoxFormat): Float64Array;
export function convertBoxes(boxes: Float32Array | Float64Array | readonly number[], from: BoxFormat, to: BoxFormat): Float32Array | Float64Array {
  const n = checkBoxes('convertBoxes', 'boxes', boxes);
  checkFormat('convertBoxes', 'from', from);
  checkFormat('convertBoxes', 'to', to);
  const out = boxes instanceof Float32Array ? new Float32Array(4 * n) : new Float64Array(4 * n);
  for (let i = 0; i < 4 * n; i += 4) {
    let x1 = boxes[i]!, y1 = boxes[i + 1]!, x2 = boxes[i + 2]!, y2 = boxes[i + 3]!;
    if (from === 'xywh') {
      x2 += x1;
      y2 += y1;
    } else if (from === 'cxcywh') {
      const [cx, cy, w, h] = [x1, y1, x2, y2];
      x1 = cx - w / 2;
      y1 = cy - h / 2;
      x2 = cx + w / 2;
      y2 = cy + h / 2;
    }
    if (to === 'xyxy') out.set([x1, y1, x2, y2], i);
    else if (to === 'xywh') out.set([x1, y1, x2 - x1, y2 - y1], i);
    else out.set([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], i);
  }
  // Same-format conversion copies exactly (no round trip through corners).
  if (from === to) out.set(boxes);
  return out;
}
