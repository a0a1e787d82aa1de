import { Rng, InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { classwiseNms, nms } from './nms.js';

function iou(b: number[], i: number, j: number): number {
  const iw = Math.max(0, Math.min(b[4 * i + 2]!, b[4 * j + 2]!) - Math.max(b[4 * i]!, b[4 * j]!));
  const ih = Math.max(0, Math.min(b[4 * i + 3]!, b[4 * j + 3]!) - Math.max(b[4 * i + 1]!, b[4 * j + 1]!));
  const area = (k: number): number => (b[4 * k + 2]! - b[4 * k]!) * (b[4 * k + 3]! - b[4 * k + 1]!);
  const inter = iw * ih;
  return inter === 0 ? 0 : inter / (area(i) + area(j) - inter);
}

/** Naive NMS: take the best remaining box (lowest index on ties), drop every remaining one above the threshold. */
function naiveNms(boxes: number[], scores: number[], thr: number, classes?: number[]): number[] {
  let remaining = scores.map((_, i) => i);
  const kept: number[] = [];
  while (remaining.length > 0) {
    let best = remaining[0]!;
    for (const i of remaining) if (scores[i]! > scores[best]!) best = i;
    kept.push(best);
    remaining = remaining.filter((i) => i !== best && ((classes && classes[i] !== classes[best]) || !(iou(boxes, best, i) > thr)));
  }
  return kept;
}

function randomCase(rng: Rng, n: number) {
  const boxes: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.int(40), y = rng.int(40);
    boxes.push(x, y, x + 5 + rng.int(20), y + 5 + rng.int(20));
  }
  // Scores on a coarse grid so that ties happen.
  const scores = Array.from({ length: n }, () => rng.int(10) / 10);
  const classes = Array.from({ length: n }, () => rng.int(3));
  return { boxes, scores, classes };
}

describe('nms', () => {
  it('agrees with a naive loop on random boxes with tied scores', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const { boxes, scores } = randomCase(rng, 40);
      for (const thr of [0.3, 0.5, 0.7]) expect(Array.from(nms(boxes, scores, { iouThreshold: thr }))).toEqual(naiveNms(boxes, scores, thr));
    }
  });
  it('keeps the lower index on a tie, suppresses above the threshold only, and stops at maxDetections', () => {
    // Boxes 0 and 1 are identical with equal scores; box 2 overlaps box 0 with IoU exactly 0.5.
    const boxes = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 20, 50, 50, 60, 60];
    expect(Array.from(nms(boxes, [0.5, 0.5, 0.4, 0.1], { iouThreshold: 0.5 }))).toEqual([0, 2, 3]);
    expect(Array.from(nms(boxes, [0.5, 0.5, 0.4, 0.1], { iouThreshold: 0.49 }))).toEqual([0, 3]);
    expect(Array.from(nms(boxes, [0.5, 0.5, 0.4, 0.1], { iouThreshold: 0.5, maxDetections: 2 }))).toEqual([0, 2]);
    expect(Array.from(nms(boxes, [0.5, 0.5, 0.4, 0.1], { iouThreshold: 0.5, scoreThreshold: 0.45 }))).toEqual([0]);
    expect(Array.from(nms([0, 0, 10, 10], [1], { iouThreshold: 0.5, format: 'xywh' }))).toEqual([0]);
  });
  it('rejects bad arguments', () => {
    expect(() => nms([0, 0, 1, 1], [1, 2], { iouThreshold: 0.5 })).toThrow(/'scores' passed to nms must be one score per box \(1\)/);
    expect(() => nms([0, 0, 1, 1], [NaN], { iouThreshold: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => nms([0, 0, 1, 1], [1], { iouThreshold: 2 })).toThrow(/'options\.iouThreshold'/);
  });
});

describe('classwiseNms', () => {
  it('agrees with a naive loop that only lets a class suppress itself', () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 20; trial++) {
      const { boxes, scores, classes } = randomCase(rng, 40);
      expect(Array.from(classwiseNms(boxes, scores, classes, { iouThreshold: 0.5 }))).toEqual(naiveNms(boxes, scores, 0.5, classes));
      expect(Array.from(classwiseNms(boxes, scores, classes, { iouThreshold: 0.5, maxDetections: 5 }))).toEqual(naiveNms(boxes, scores, 0.5, classes).slice(0, 5));
    }
  });
  it('rejects a class list of the wrong length', () => {
    expect(() => classwiseNms([0, 0, 1, 1], [1], [], { iouThreshold: 0.5 })).toThrow(/'classes' passed to classwiseNms/);
  });
});
