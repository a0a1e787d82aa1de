import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { decodeCenterNet } from './decode-detections.js';

const logit = (p: number) => Math.log(p / (1 - p));

/** One 6x6 image, 2 classes: outputs with the given (y, x, class, score, [w, h, ox, oy]) cells, the rest at score 0.001. */
function outputsWith(cells: [number, number, number, number, number[]][]): tf.Tensor4D {
  const C = 2;
  const data = new Float32Array(6 * 6 * (C + 4));
  for (let i = 0; i < 36; i++) for (let c = 0; c < C; c++) data[i * (C + 4) + c] = logit(0.001);
  for (const [y, x, c, score, reg] of cells) {
    const at = (y * 6 + x) * (C + 4);
    data[at + c] = logit(score);
    data.set(reg, at + C);
  }
  return tf.tensor4d(data, [1, 6, 6, C + 4]);
}

describe('decodeCenterNet', () => {
  it('keeps 3x3 peaks, best first, as boxes centred at cell + offset times the stride', () => {
    const out = outputsWith([
      [2, 3, 1, 0.9, [2, 1, 0.5, 0.25]],
      [2, 4, 1, 0.6, [2, 2, 0, 0]], // a lower neighbour of the first peak: suppressed by the max-pool
      [4, 1, 0, 0.7, [1, 3, 0, 0.5]],
      [0, 0, 0, 0.005, [1, 1, 0, 0]], // under the score threshold
    ]);
    const before = tf.memory().numTensors;
    const [d] = decodeCenterNet(out, { numClasses: 2, stride: 4, scoreThreshold: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(d!.scores)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.7, 5)]);
    expect(Array.from(d!.classes)).toEqual([1, 0]);
    // Centre ((3 + 0.5)·4, (2 + 0.25)·4) = (14, 9), size (8, 4) → [10, 7, 8, 4].
    expect(Array.from(d!.boxes.subarray(0, 4))).toEqual([10, 7, 8, 4]);
    // Centre (4, 18), size (4, 12) → [2, 12, 4, 12].
    expect(Array.from(d!.boxes.subarray(4, 8))).toEqual([2, 12, 4, 12]);
    out.dispose();
  });

  it('clips boxes to the image, caps at topK and drops same-class duplicates by NMS', () => {
    const out = outputsWith([
      [0, 0, 0, 0.9, [4, 4, 0, 0]], // centre (0, 0): clipped to [0, 0, 8, 8]
      [0, 2, 0, 0.8, [4, 4, 0, 0]], // centre (8, 0): [0, 0, 16, 8] clipped; IoU with the first 0.5
      [5, 5, 1, 0.3, [1, 1, 0.5, 0.5]],
    ]);
    const [all] = decodeCenterNet(out, { numClasses: 2, stride: 4, nmsIou: null });
    expect(Array.from(all!.boxes.subarray(0, 8))).toEqual([0, 0, 8, 8, 0, 0, 16, 8]);
    const [nms] = decodeCenterNet(out, { numClasses: 2, stride: 4, nmsIou: 0.4 });
    expect(Array.from(nms!.scores)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.3, 5)]);
    const [top1] = decodeCenterNet(out, { numClasses: 2, stride: 4, topK: 1 });
    expect(top1!.scores.length).toBe(1);
    out.dispose();
  });

  it('rejects outputs with the wrong channel count', () => {
    const out = tf.zeros([1, 2, 2, 5]);
    expect(() => decodeCenterNet(out, { numClasses: 2, stride: 4 })).toThrow(/outputs/);
    out.dispose();
  });
});
