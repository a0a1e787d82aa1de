// The public surface of @metricopt/detection: everything users import comes from here.
// The COCO evaluator (pycocotools-exact) and VOC AP.
export { evaluateCoco, type CocoEvaluation } from './coco-eval/evaluate-coco.js';
export {
  COCO_AREA_RANGES, type CocoAreaRange, type CocoEvalFixes, type CocoEvalOptions,
} from './coco-eval/coco-params.js';
export { parseCocoGroundTruth, parseCocoResults } from './coco-eval/parse-coco.js';
export { runEvalDetection, type EvalDetectionArgs } from './coco-eval/run-eval-detection.js';
export { evaluateVoc, type VocEvalOptions, type VocEvaluation } from './coco-eval/evaluate-voc.js';
export type {
  CocoGroundTruth, CocoAnnotation, CocoResult, CocoImage, CocoCategory, CocoId, XywhBox,
} from './coco-eval/coco-types.js';
export { COCO_IOU_THRESHOLDS, COCO_RECALL_THRESHOLDS } from './coco-eval/numpy-linspace.js';
export { COCO_STAT_NAMES } from './coco-eval/summarize.js';
// Box operations.
export { convertBoxes, BOX_FORMATS, type BoxFormat } from './boxes/box-format.js';
export { boxIou, type BoxIouOptions } from './boxes/box-iou.js';
export { nms, classwiseNms, type NmsOptions } from './boxes/nms.js';
// The detector.
export { centerNet, CENTER_NET_STRIDE, type CenterNet, type CenterNetOptions } from './detector/center-net.js';
export { centerNetFocalLoss, centerNetFocalLossPerClass, type FocalLossOptions } from './detector/focal-loss.js';
export { centerNetLoss, centerNetLossParts, centerNetLossTerms, type CenterNetLossOptions, type CenterNetLossParts } from './detector/center-net-loss.js';
export {
  encodeCenterNetTargets, gaussianRadius, targetChannels, type EncodeTargetsOptions, type TargetObject,
} from './detector/encode-targets.js';
export { targetObjects } from './detector/target-objects.js';
/** @deprecated The cut lives in core: import `cutModel` and `ModelCut` from `@metricopt/core`. */
export { cutModel as cutDetector, type ModelCut as CutDetector } from '@metricopt/core';
export { decodeCenterNet, type DecodeOptions, type Detections } from './detector/decode-detections.js';
export {
  cocoDetectionMetric, detectionsToCoco, COCO_STATISTICS, type CocoDetectionMetricOptions, type CocoStatistic,
} from './detector/coco-detection-metric.js';
export { pretrainCenterNet, type PretrainCenterNetOptions } from './detector/pretrain-center-net.js';
// Loaders.
export type { DetectionDataset } from './loaders/detection-dataset.js';
export { loadCocoDataset, type CocoDatasetOptions } from './loaders/load-coco-dataset.js';
export { loadVocDataset, VOC_CLASSES, type VocDatasetOptions } from './loaders/load-voc-dataset.js';
export { parseVocAnnotation, type VocAnnotation, type VocObject } from './loaders/parse-voc-annotation.js';
// The scene generator.
export { generateScenes, type SceneItems, type SceneOptions, type Scenes } from './scenes/generate-scenes.js';
export { writeScenes, type WriteScenesOptions } from './scenes/write-scenes.js';
export { sceneItems, type SceneItemSource } from './scenes/scene-items.js';
