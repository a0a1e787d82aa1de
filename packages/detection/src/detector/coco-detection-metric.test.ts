import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { callMetric } from '@metricopt/core';
import type { CocoGroundTruth } from '../coco-eval/coco-types.js';
import { evaluateCoco } from '../coco-eval/evaluate-coco.js';
import { cocoDetectionMetric, detectionsToCoco } from './coco-detection-metric.js';
import { decodeCenterNet } from './decode-detections.js';

const logit = (p: number) => Math.log(p / (1 - p));

// Two 8x8 images (stride 4 → 2x2 grids), categories 10 and 20.
const gt: CocoGroundTruth = {
  images: [{ id: 101 }, { id: 102 }],
  categories: [{ id: 10 }, { id: 20 }],
  annotations: [
    { id: 1, image_id: 101, category_id: 10, bbox: [0, 0, 4, 4] },
    { id: 2, image_id: 102, category_id: 20, bbox: [2, 2, 4, 4] },
    { id: 3, image_id: 102, category_id: 10, bbox: [4, 4, 4, 4] },
  ],
};

/** Outputs [2, 2, 2, 6]: one peak per listed (image, y, x, class, score, [w, h, ox, oy]), background at 0.001. */
function outputs(peaks: [number, number, number, number, number, number[]][]): tf.Tensor4D {
  const data = new Float32Array(2 * 2 * 2 * 6);
  for (let i = 0; i < 8; i++) data[i * 6] = data[i * 6 + 1] = logit(0.001);
  for (const [n, y, x, c, s, reg] of peaks) {
    const at = ((n * 2 + y) * 2 + x) * 6;
    data[at + c] = logit(s);
    data.set(reg, at + 2);
  }
  return tf.tensor4d(data, [2, 2, 2, 6]);
}

describe('cocoDetectionMetric', () => {
  const metric = cocoDetectionMetric({ gt, imageIds: [101, 102], categoryIds: [10, 20], decode: { numClasses: 2, stride: 4 } });

  it('scores decoded detections with evaluateCoco over the rows it is called on', async () => {
    // Image 101: class 0 box centred (2, 2) size 4 → exact. Image 102: class 1 at (4, 4) exact; class 0 missed.
    const out = outputs([
      [0, 0, 0, 0, 0.9, [1, 1, 0.5, 0.5]],
      [1, 1, 1, 1, 0.8, [1, 1, 0, 0]],
    ]);
    const rows = tf.tensor1d([0, 1]);
    const dt = detectionsToCoco(decodeCenterNet(out, { numClasses: 2, stride: 4 }), [101, 102], [10, 20]);
    expect(dt.map((d) => [d.image_id, d.category_id, d.bbox])).toEqual([[101, 10, [0, 0, 4, 4]], [102, 20, [2, 2, 4, 4]]]);
    const value = await callMetric(metric, out, rows, 0);
    expect(value).toBe(evaluateCoco(gt, dt).stats[0]);
    // Recall 1/2 for class 10 with perfect precision, class 20 perfect: (0.5 + 1) / 2, up to pycocotools' spacing.
    expect(value).toBeCloseTo(0.75, 2);
    // Only image 101 (row 0): everything found.
    const first = tf.tidy(() => tf.slice(out, 0, 1));
    const row0 = tf.tensor1d([0]);
    expect(await callMetric(metric, first, row0, 0)).toBeCloseTo(1, 9);
    const ap50 = cocoDetectionMetric({ gt, imageIds: [101, 102], categoryIds: [10, 20], statistic: 'ap50', decode: { numClasses: 2, stride: 4 } });
    expect(ap50.name).toBe('coco-ap50');
    expect(await callMetric(ap50, out, rows, 0)).toBe(evaluateCoco(gt, dt).stats[1]);
    tf.dispose([out, rows, first, row0]);
  });

  it('rejects targets that are not rows of the split', async () => {
    const out = outputs([]);
    const bad = tf.tensor1d([0, 5]);
    await expect(callMetric(metric, out, bad, 3)).rejects.toThrow(/row indices in \[0, 2\)/);
    tf.dispose([out, bad]);
    expect(() => cocoDetectionMetric({ gt, imageIds: [999], categoryIds: [10, 20], decode: { numClasses: 2, stride: 4 } })).toThrow(/imageIds/);
  });
});
