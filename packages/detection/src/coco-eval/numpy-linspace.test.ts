import { describe, expect, it } from 'vitest';
import { COCO_IOU_THRESHOLDS, COCO_RECALL_THRESHOLDS, linspace } from './numpy-linspace.js';

// Expected values printed by numpy 2.4's np.linspace.
describe('linspace', () => {
  it("reproduces pycocotools' IoU thresholds, float artefacts included", () => {
    expect(COCO_IOU_THRESHOLDS).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
  });
  it("reproduces pycocotools' 101 recall points", () => {
    expect(COCO_RECALL_THRESHOLDS).toHaveLength(101);
    expect(COCO_RECALL_THRESHOLDS[35]).toBe(0.35000000000000003);
    expect(COCO_RECALL_THRESHOLDS[57]).toBe(0.5700000000000001);
    expect(COCO_RECALL_THRESHOLDS[70]).toBe(0.7000000000000001);
    expect(COCO_RECALL_THRESHOLDS[100]).toBe(1);
    expect(linspace(2, 3, 1)).toEqual([2]);
  });
});
