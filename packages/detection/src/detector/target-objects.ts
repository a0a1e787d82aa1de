import { InvalidArgumentError, describe } from '@metricopt/core';
import type { CocoGroundTruth, CocoId } from '../coco-eval/coco-types.js';
import type { TargetObject } from './encode-targets.js';

/**
 * The objects of each image, in `imageIds` order, for encodeCenterNetTargets: boxes as given and
 * class index = position of the category id in `categoryIds`. Crowd regions are left out (they
 * are not objects with a centre).
 *
 * ```ts
 * const objects = targetObjects(ds.gt, ds.imageIds, ds.categoryIds);
 * const targets = encodeCenterNetTargets(objects, { numClasses: 10, outputSize: [24, 24], stride: 4 });
 * ```
 */
export function targetObjects(gt: CocoGroundTruth, imageIds: readonly CocoId[], categoryIds: readonly CocoId[]): TargetObject[][] {
  const rows = new Map(imageIds.map((id, i) => [id, i]));
  const classOf = new Map(categoryIds.map((id, k) => [id, k]));
  const out: TargetObject[][] = imageIds.map(() => []);
  gt.annotations.forEach((a, i) => {
    const row = rows.get(a.image_id);
    if (row === undefined || a.iscrowd === 1 || a.iscrowd === true) return;
    const classIndex = classOf.get(a.category_id);
    if (classIndex === undefined) {
      throw new InvalidArgumentError('targetObjects', `gt.annotations[${i}].category_id`, `one of categoryIds (${categoryIds.join(', ')})`, describe(a.category_id));
    }
    out[row]!.push({ bbox: a.bbox, classIndex });
  });
  return out;
}
