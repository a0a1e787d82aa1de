// The public surface of @metricopt/classification.
// Metrics: a pure function and a Metric beside it, by CLI name.
export { hostPredictions, type Logits, type Labels, type HostPredictions } from './metrics/predictions.js';
export { errorRate, errorRateMetric } from './metrics/error-rate.js';
export { topKError, top5ErrorMetric } from './metrics/top-k-error.js';
export {
  perClassRecall, balancedError, worstClassRecall, worstClassError, balancedErrorMetric, worstClassRecallMetric, worstClassErrorMetric,
} from './metrics/class-recall.js';
export { macroF1, macroF1Metric } from './metrics/macro-f1.js';
export { averagePrecision, aucpr, aucprMetric, type AucprOptions } from './metrics/average-precision.js';
export { CLASSIFICATION_METRICS, classificationMetric } from './metrics/classification-metrics.js';
// Loaders.
export { numberedClassNames, type ImageDataset } from './loaders/image-dataset.js';
export {
  parseCifarBinary, loadCifar10, loadCifar100, cifar100Layout, CIFAR10_LAYOUT, CIFAR_IMAGE_BYTES, type CifarRecordLayout,
} from './loaders/cifar.js';
export {
  loadImageFolder, loadImageFolderDataset, IMAGE_EXTENSIONS, type ImageFolder, type ImageFolderOptions,
} from './loaders/image-folder.js';
export { loadMnist, MNIST_ENV_VAR } from './loaders/mnist.js';
export { loadClassificationDataset, CLASSIFICATION_DATASETS, type ClassificationDatasetName } from './loaders/classification-dataset.js';
// Models, splits, pretraining, finetuning.
export {
  buildClassifier, defaultArchitecture, filmPointsOf, CLASSIFIER_ARCHITECTURES,
  type ClassifierArchitecture, type ClassifierOptions,
} from './classifier.js';
/** @deprecated The cut lives in core: import `cutModel` and `ModelCut` from `@metricopt/core`. */
export { cutModel, type ModelCut as CutModel } from '@metricopt/core';
export { classifierParams, chooseFilm, type FilmChoice } from './classifier-params.js';
export { channelStats } from './channel-stats.js';
export { imageFeatures, type ImageFeatureOptions } from '@metricopt/data';
export { classificationSplits, type ClassificationSplits, type ClassificationSplitOptions } from './class-splits.js';
export { pretrainClassifier, type PretrainOptions, type PretrainResult } from './pretrain.js';
export {
  loadOrPretrain, pretrainedCacheDir, configKey, dataFingerprint, CACHE_ENV_VAR, type LoadOrPretrainOptions, type PretrainedEntry,
} from './pretrained-cache.js';
export { finetuneClassifier, classifierLoss, type ClassifierLoss, type FinetuneClassifierOptions } from './finetune-classifier.js';
