import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, defineMetric, describe, type Metric } from '@metricopt/core';
import type { CocoEvalOptions } from '../coco-eval/coco-params.js';
import type { CocoAnnotation, CocoGroundTruth, CocoId, CocoResult } from '../coco-eval/coco-types.js';
import { evaluateCoco } from '../coco-eval/evaluate-coco.js';
import { decodeCenterNet, type DecodeOptions, type Detections } from './decode-detections.js';

/** Which COCO number a detection metric reports: AP@[.50:.95] (stats[0]) or AP@.50 (stats[1]). */
export type CocoStatistic = 'map' | 'ap50';
export const COCO_STATISTICS: readonly CocoStatistic[] = Object.freeze(['map', 'ap50']);

export interface CocoDetectionMetricOptions {
  /** The ground truth of the split the metric is called on. */
  gt: CocoGroundTruth;
  /** Row → image id: the metric's targets are row indices into this list. */
  imageIds: readonly CocoId[];
  /** Class index (heatmap channel) → category id. */
  categoryIds: readonly CocoId[];
  /** Default 'map'. */
  statistic?: CocoStatistic;
  decode: DecodeOptions;
  evalOptions?: CocoEvalOptions;
}

/** COCO results of decoded detections: `detections[i]` belongs to image `imageIds[i]`. */
export function detectionsToCoco(detections: readonly Detections[], imageIds: readonly CocoId[], categoryIds: readonly CocoId[]): CocoResult[] {
  if (detections.length !== imageIds.length) {
    throw new InvalidArgumentError('detectionsToCoco', 'imageIds', `one id per image (${detections.length})`, describe(imageIds));
  }
  const out: CocoResult[] = [];
  detections.forEach((d, i) => {
    for (let k = 0; k < d.scores.length; k++) {
      const category = categoryIds[d.classes[k]!];
      if (category === undefined) throw new InvalidArgumentError('detectionsToCoco', 'categoryIds', `an id for class ${d.classes[k]}`, describe(categoryIds));
      out.push({ image_id: imageIds[i]!, category_id: category, bbox: Array.from(d.boxes.subarray(4 * k, 4 * k + 4)), score: d.scores[k]! });
    }
  });
  return out;
}

/**
 * COCO mAP (or AP50) of a CenterNet's outputs as a black-box core Metric: decode (max-pool peaks,
 * top-K, class-wise NMS), then evaluateCoco against the ground truth of the rows it is called on.
 * Its targets are row indices (any numeric tensor of n values), so a random subset of the split
 * is evaluated against exactly its images.
 *
 * ```ts
 * const metric = cocoDetectionMetric({ gt: ds.gt, imageIds: ds.imageIds, categoryIds: ds.categoryIds,
 *   decode: { numClasses: 10, stride: 4 } });
 * await evaluateMetric(model, metric, { x: ds.images, y: tf.range(0, n) });   // 0.41
 * ```
 */
export function cocoDetectionMetric(options: CocoDetectionMetricOptions): Metric {
  const fn = 'cocoDetectionMetric';
  const statistic = options?.statistic ?? 'map';
  if (!COCO_STATISTICS.includes(statistic)) throw new InvalidArgumentError(fn, 'options.statistic', `one of ${COCO_STATISTICS.join(', ')}`, describe(statistic));
  const { gt, imageIds, categoryIds } = options;
  if (!Array.isArray(gt?.images) || !Array.isArray(gt.annotations)) throw new InvalidArgumentError(fn, 'options.gt', 'COCO ground truth', describe(gt));
  if (!Array.isArray(imageIds) || imageIds.length === 0) throw new InvalidArgumentError(fn, 'options.imageIds', 'a non-empty list of image ids', describe(imageIds));
  const byImage = new Map<CocoId, CocoAnnotation[]>(imageIds.map((id) => [id, []]));
  for (const a of gt.annotations) byImage.get(a.image_id)?.push(a);
  const images = new Map(gt.images.map((img) => [img.id, img]));
  for (const id of imageIds) if (!images.has(id)) throw new InvalidArgumentError(fn, 'options.imageIds', 'ids of gt.images', describe(id));
  const stat = statistic === 'map' ? 0 : 1;
  return defineMetric({
    name: statistic === 'map' ? 'coco-map' : 'coco-ap50',
    higherIsBetter: true,
    evaluate: (outputs: tf.Tensor, targets: tf.Tensor) => {
      const rows = Array.from(targets.dataSync(), (v) => Math.round(v));
      if (rows.length !== outputs.shape[0]) {
        throw new InvalidArgumentError('coco metric', 'targets', `one row index per output (${outputs.shape[0]})`, describe(targets));
      }
      const ids = rows.map((r) => {
        const id = imageIds[r];
        if (id === undefined) throw new InvalidArgumentError('coco metric', 'targets', `row indices in [0, ${imageIds.length})`, describe(r));
        return id;
      });
      const dt = detectionsToCoco(decodeCenterNet(outputs, options.decode), ids, categoryIds);
      const unique = [...new Set(ids)];
      const subset: CocoGroundTruth = {
        images: unique.map((id) => images.get(id)!),
        annotations: unique.flatMap((id) => byImage.get(id)!),
        categories: gt.categories,
      };
      return evaluateCoco(subset, dt, options.evalOptions).stats[stat]!;
    },
  });
}
