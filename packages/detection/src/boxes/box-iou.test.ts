import { Rng, InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { convertBoxes } from './box-format.js';
import { boxIou } from './box-iou.js';

/** Naive IoU of two xyxy boxes: overlap of the intervals on each axis, area over union. */
function naiveIou(a: number[], b: number[], crowd = false): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih;
  if (inter === 0) return 0;
  const areaA = (a[2]! - a[0]!) * (a[3]! - a[1]!);
  const areaB = (b[2]! - b[0]!) * (b[3]! - b[1]!);
  return inter / (crowd ? areaA : areaA + areaB - inter);
}

function randomBoxes(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.int(50), y = rng.int(50);
    out.push(x, y, x + 1 + rng.int(30), y + rng.int(30));
  }
  return out;
}

describe('boxIou', () => {
  it('agrees with a naive loop on random boxes, xyxy and xywh, with crowd regions', () => {
    const rng = new Rng(3);
    const a = randomBoxes(rng, 17);
    const b = randomBoxes(rng, 11);
    const crowd = Array.from({ length: 11 }, () => rng.int(2));
    const iou = boxIou(a, b, { crowd });
    const iouXywh = boxIou(convertBoxes(a, 'xyxy', 'xywh'), convertBoxes(b, 'xyxy', 'xywh'), { format: 'xywh', crowd });
    for (let i = 0; i < 17; i++) {
      for (let j = 0; j < 11; j++) {
        const want = naiveIou(a.slice(4 * i, 4 * i + 4), b.slice(4 * j, 4 * j + 4), crowd[j] === 1);
        expect(iou[i * 11 + j]).toBeCloseTo(want, 14);
        expect(iouXywh[i * 11 + j]).toBeCloseTo(want, 14);
      }
    }
  });
  it('gives hand-computed values: half overlap 1/3, touching edges 0, identical 1', () => {
    expect(Array.from(boxIou([0, 0, 10, 10], [5, 0, 15, 10, 10, 0, 20, 10, 0, 0, 10, 10]))).toEqual([1 / 3, 0, 1]);
    expect(Array.from(boxIou([5, 5, 2, 2], [5, 5, 10, 10], { format: 'cxcywh' }))).toEqual([0.04]);
  });
  it('handles empty inputs and rejects bad boxes', () => {
    expect(boxIou([], [0, 0, 1, 1])).toHaveLength(0);
    expect(() => boxIou([0, 0, -1, 5], [0, 0, 1, 1])).toThrow(InvalidArgumentError);
    expect(() => boxIou([0, 0, 1, 1], [0, NaN, 1, 1])).toThrow(/'b\[0\.\.3\]' passed to boxIou/);
    expect(() => boxIou([0, 0, 1, 1], [0, 0, 1, 1], { crowd: [1, 0] })).toThrow(/'options\.crowd'/);
  });
});
