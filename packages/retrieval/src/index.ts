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
