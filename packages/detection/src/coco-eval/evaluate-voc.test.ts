import { InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import type { CocoGroundTruth, CocoResult, XywhBox } from './coco-types.js';
import { evaluateVoc } from './evaluate-voc.js';

const det = (image_id: number, category_id: number, bbox: XywhBox, score: number): CocoResult => ({ image_id, category_id, bbox, score });

// Class 1: image 1 has A = [0, 0, 10, 10] and a difficult B = [20, 0, 10, 10]; image 2 has C = [0, 0, 10, 10]. npos = 2.
// Class 2 has no object. Class 3: one object, detected exactly.
const gt: CocoGroundTruth = {
  images: [{ id: 1 }, { id: 2 }],
  categories: [{ id: 1 }, { id: 2 }, { id: 3 }],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] },
    { id: 2, image_id: 1, category_id: 1, bbox: [20, 0, 10, 10], difficult: 1 },
    { id: 3, image_id: 2, category_id: 1, bbox: [0, 0, 10, 10] },
    { id: 4, image_id: 2, category_id: 3, bbox: [30, 30, 10, 10] },
  ],
};
// By score: d1 TP (A); d2 on the difficult B: neither; d3 A again: FP; d4 nothing: FP; d5 TP (C).
// tp = [1, 1, 1, 1, 2], fp = [0, 0, 1, 2, 2]: recall [.5, .5, .5, .5, 1], precision [1, 1, .5, 1/3, .5].
const dt = [
  det(1, 1, [0, 0, 10, 10], 0.9), det(1, 1, [20, 0, 10, 10], 0.8), det(1, 1, [0, 0, 10, 10], 0.7),
  det(2, 1, [50, 50, 10, 10], 0.6), det(2, 1, [0, 0, 10, 10], 0.5), det(2, 3, [30, 30, 10, 10], 0.4),
];

describe('evaluateVoc', () => {
  it('VOC07 11-point AP: max precision at recall >= 0, .1, ..., 1', () => {
    // Recall points 0 .. .5 (6 of them) see precision 1; .6 .. 1 (5) only the last detection: .5. AP = (6 + 2.5) / 11.
    const e = evaluateVoc(gt, dt, { use07: true });
    expect(e.perCategory['1']).toBeCloseTo(8.5 / 11, 14);
    expect(e.perCategory['2']).toBe(-1);
    // Class 3: a single true positive has precision 1 at every recall point.
    expect(e.perCategory['3']).toBeCloseTo(1, 14);
    expect(e.mAP).toBeCloseTo((8.5 / 11 + 1) / 2, 14);
  });

  it('all-points AP (VOC2010+): area under the precision envelope', () => {
    // Envelope: 1 up to recall .5, then .5 up to 1: AP = .5 * 1 + .5 * .5 = .75.
    const e = evaluateVoc(gt, dt, { use07: false });
    expect(e.perCategory['1']).toBe(0.75);
    expect(e.perCategory['3']).toBe(1);
    expect(e.mAP).toBe(0.875);
  });

  it('counts a difficult object like any other once it is not flagged', () => {
    // Without the flag B is a third object: d2 becomes a TP. tp = [1, 2, 2, 2, 3], fp = [0, 0, 1, 2, 2], npos 3:
    // recall [1/3, 2/3, 2/3, 2/3, 1], precision [1, 1, 2/3, 1/2, 3/5]; envelope 1 to 2/3 then 3/5: AP = 2/3 + 1/3 * 3/5.
    const plain = { ...gt, annotations: gt.annotations.map((a) => ({ ...a, difficult: 0 })) };
    expect(evaluateVoc(plain, dt, { use07: false }).perCategory['1']).toBeCloseTo(2 / 3 + 0.2, 14);
  });

  it('needs IoU above the threshold by default and at least it with inclusiveThreshold', () => {
    // [0, 0, 10, 20] on [0, 0, 10, 10]: IoU exactly 0.5.
    const one: CocoGroundTruth = { images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] }] };
    const half = [det(1, 1, [0, 0, 10, 20], 0.9)];
    expect(evaluateVoc(one, half).mAP).toBe(0);
    expect(evaluateVoc(one, half, { inclusiveThreshold: true }).mAP).toBeCloseTo(1, 14);
    // plusOne: [5, 0, 10, 10] on [0, 0, 10, 10] overlaps 6 × 11 pixels of 11 × 11 each: 66 / 176 = .375 (continuous: 1/3).
    const shifted = [det(1, 1, [5, 0, 10, 10], 0.9)];
    expect(evaluateVoc(one, shifted, { iouThreshold: 0.35 }).mAP).toBe(0);
    expect(evaluateVoc(one, shifted, { iouThreshold: 0.35, plusOne: true }).mAP).toBeCloseTo(1, 14);
  });

  it('gives -1 when no class has objects, and validates its input', () => {
    const empty: CocoGroundTruth = { images: [{ id: 1 }], categories: [{ id: 1 }], annotations: [] };
    expect(evaluateVoc(empty, [])).toEqual({ mAP: -1, perCategory: { '1': -1 } });
    expect(() => evaluateVoc(gt, [det(5, 1, [0, 0, 1, 1], 1)])).toThrow(InvalidArgumentError);
    expect(() => evaluateVoc(gt, [det(5, 1, [0, 0, 1, 1], 1)])).toThrow(/'dt\[0\]\.image_id' passed to evaluateVoc/);
    expect(() => evaluateVoc(gt, dt, { iouThreshold: -1 })).toThrow(/'options\.iouThreshold'/);
  });
});
