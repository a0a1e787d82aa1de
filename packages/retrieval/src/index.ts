// The public surface of @metricopt/retrieval: everything users import comes from here.
// Metrics: exact, chunked, memory-bounded Recall@k, MAP@R and R-precision.
export {
  retrievalMetrics, retrievalMetricsParallel,
  type RetrievalMetricsOptions, type ParallelRetrievalMetricsOptions, type RetrievalMetricsResult,
} from './metrics/retrieval-metrics.js';
export { RetrievalMetric, type RetrievalRole, type RetrievalMetricOptions } from './metrics/retrieval-metric.js';
export {
  recallAtKMetric, mapAtRMetric, rPrecisionMetric, recallAt1, mapAtR, type RetrievalMetricDefOptions,
} from './metrics/retrieval-metric-defs.js';
export { runEvalRetrieval, type EvalRetrievalOptions } from './metrics/eval-retrieval.js';
export { RETRIEVAL_DISTANCES, type RetrievalDistance } from './metrics/score-space.js';
// Surrogate losses.
export { contrastiveLoss, type ContrastiveLossOptions } from './losses/contrastive-loss.js';
export { tripletLoss, type TripletLossOptions } from './losses/triplet-loss.js';
export { smoothApLoss, type SmoothApLossOptions } from './losses/smooth-ap-loss.js';
export { recallAtKLoss, type RecallAtKLossOptions } from './losses/recall-at-k-loss.js';
export type { LossDistance } from './losses/pairwise.js';
// Batch sampling.
export { MPerClassSampler, type MPerClassOptions, type MPerClassState } from './samplers/m-per-class.js';
export { mPerClassSplit, groupedLoss, type MPerClassSplitOptions } from './samplers/m-per-class-split.js';
// Embedding models: a core backbone + projection + L2 normalisation, FiLM points kept.
export { L2Normalize } from './models/l2-normalize.js';
export { Ungroup } from './models/ungroup.js';
export {
  buildEmbeddingModel, embeddingParams, embeddingFilmPoints, EMBEDDING_ARCHITECTURES,
  type EmbeddingModelOptions, type EmbeddingArchitecture, type EmbeddingFilm,
} from './models/embedding-model.js';
export { cutEmbeddingModel, type CutEmbeddingModel } from './models/cut-embedding-model.js';
export { trunkFeatures, inputNormalization, type InputNormalization } from './models/trunk-features.js';
export { pretrainEmbedding, type PretrainEmbeddingOptions, type PretrainEmbeddingResult } from './models/pretrain-embedding.js';
export { loadOrPretrainEmbedding, type LoadOrPretrainEmbeddingOptions, type PretrainedEmbedding } from './cache/pretrained-cache.js';
export { cacheDir, configKey, dataFingerprint, CACHE_ENV_VAR } from './cache/cache-dir.js';
// The protocol: train / metric (+ twin) / test classes, disjoint.
export { retrievalSplits, type RetrievalSplitOptions, type RetrievalSplits } from './protocol/retrieval-splits.js';
// Datasets.
export { RETRIEVAL_DATASETS, type RetrievalDataset, type RetrievalDatasetName } from './data/retrieval-dataset.js';
export { loadRetrievalDataset, type LoadRetrievalDatasetOptions } from './data/load-retrieval-dataset.js';
export { loadCubList } from './data/cub.js';
export { loadCarsList } from './data/cars.js';
export { loadSopList } from './data/sop.js';
export { insideRoot, type ImageList } from './data/image-list.js';
export { decodeImageList, type DecodeImageListOptions } from './data/decode-image-list.js';
export { loadFashionMnistRetrieval, FASHION_MNIST_TEST_CLASSES } from './data/fashion-mnist-retrieval.js';
// The glyphs dataset: characters rendered from font files.
export {
  loadGlyphDataset, type GlyphDataset, type GlyphDatasetOptions, type GlyphClass, type GlyphFont,
} from './glyphs/glyph-dataset.js';
export { glyphInventory, GLYPH_MERGES, GLYPH_DROPS, type GlyphClassSpec } from './glyphs/glyph-inventory.js';
export { loadFontFaces, findFontFiles, pangoDescription, SYSTEM_FONT_DIRS, type FontFaceInfo } from './glyphs/font-faces.js';
export { parseFontFile, type FontFace } from './glyphs/font-file.js';
export { GlyphRenderer, isMissingBox, type GlyphBitmap } from './glyphs/render-glyph.js';
export {
  drawGlyph, drawAugmentation, DEFAULT_AUGMENTATION, type GlyphAugmentation, type GlyphAugmentationRanges,
} from './glyphs/draw-glyph.js';
export { escapeMarkup } from './glyphs/pango-markup.js';
