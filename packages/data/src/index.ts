// The public surface of @metricopt/data: shared readers, no task logic.
export { parseIdx, readIdx, encodeIdx, writeIdx, isGzip, type IdxArray, type EncodeIdxOptions } from './idx.js';
export type { IdxDtype, IdxData } from './idx-dtype.js';
export {
  decodePixels, decodeImage, loadImages,
  type DecodeImageOptions, type DecodedImage, type ImageChannels, type ResizeFit, type LoadImagesOptions, type LoadedImages, type SkippedImage,
} from './images.js';
export { toSplit, type LabelledImages, type TensorOptions, type ToSplitOptions } from './labelled-images.js';
export { batches, type BatchOptions } from './batches.js';
export { imageFeatures, type ImageFeatureOptions } from './image-features.js';
export {
  splitIndices, classDisjointSplit, type SplitSizes, type SplitIndicesOptions, type ClassDisjointOptions, type ClassDisjointSplit,
} from './splits.js';
export { classCounts, perClassSubset, longTailCounts, imbalancedSubset } from './class-subsets.js';
export { DatasetNotFoundError } from './dataset-not-found-error.js';
export { loadIdxDataset, findIdxFiles, IDX_FILE_PATTERN, type IdxDataset, type IdxDatasetFiles } from './idx-dataset.js';
export {
  loadFashionMnist, fashionMnistDir, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_ENV_VAR, FASHION_MNIST_DEBIAN_DIR, type ClassificationDataset,
} from './fashion-mnist.js';
export { loadEmbedded, EMBEDDED_DIR } from './embedded.js';
