import type * as tf from '@tensorflow/tfjs-core';
import type { CocoGroundTruth, CocoId } from '../coco-eval/coco-types.js';

/** A loaded detection dataset: images as one tensor, boxes as COCO ground truth in those images' pixels. */
export interface DetectionDataset {
  /** Validated COCO ground truth; `gt.images[i]` is row i of `images`; boxes and areas in the loaded (resized) pixels. */
  gt: CocoGroundTruth;
  /** float32 [N, H, W, C] in [0, 1] (the caller disposes it). */
  images: tf.Tensor4D;
  /** Row → image id. */
  imageIds: CocoId[];
  /** Class index → category id, ascending (the order a detector's heatmaps use). */
  categoryIds: CocoId[];
  /** Where it was read from (for messages). */
  source: string;
}
