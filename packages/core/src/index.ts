// The public surface of @metricopt/core: everything users import comes from here.
export {
  MetricOptError, InvalidArgumentError, MetricError, MetricTimeoutError, CheckpointError, BackendError, FormatError, describe,
  DivergenceError,
} from './errors.js';
export { Rng, type RngState } from './rng.js';
export { defineMetric, callMetric, toScore, type Metric, type MetricFn, type MetricSpec } from './metric.js';
export { workerMetric, type WorkerMetric, type WorkerMetricSpec, type HostTensor } from './worker-metric.js';
export { ParamView, SEGMENT_KINDS, type ParamSegment, type ParamLayout, type SegmentKind } from './param-view.js';
export {
  ObservationBuffer, serializeRound, deserializeRound, type ObservationRound, type SerializedRound,
} from './observation.js';
export { observeRound, probeMetric, orthonormalBasis, type MetricProbe, type RoundOptions } from './observation-round.js';
export { esGradient } from './es-estimate.js';
export { softmaxCrossEntropy, weightedCrossEntropy, inverseFrequencyWeights } from './losses.js';
export {
  MetricOptOptimizer, type MetricOptOptimizerOptions, type MixedStep, type MixingMode, type ValueGradientSource,
} from './metricopt-optimizer.js';
export { BatchSampler, type BatchSamplerState } from './batch-sampler.js';
export { CheckpointStore, CHECKPOINT_VERSION, CHECKPOINT_PAUSE_ENV_VAR, checkpointChecksum } from './checkpoint.js';
export { checkFinetuneState, type FinetuneState, type StateExpectations } from './finetune-state.js';
export { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
export { resolveInside } from './safe-path.js';
export { saveModel, loadModel, fileHandler, MODEL_JSON, MODEL_WEIGHTS } from './model-io.js';
export { loadOrPretrain, metricoptCacheDir, configKey, canonicalJson, dataFingerprint, isDirectory, writeDirAtomic, CACHE_ENV_VAR, PRETRAIN_INFO, type LoadOrPretrainOptions, type PretrainedEntry } from './pretrained-cache.js';
export { finetune, evaluateMetric, DEFAULT_METRIC_TIMEOUT_MS } from './finetune.js';
export {
  FINETUNE_MODES, type FinetuneMode, type FinetuneOptions, type FinetuneResult, type LossFn, type RoundInfo,
  type RoundRecord, type Split, type SplitSource, type StepInfo, type GuideDirection,
} from './finetune-options.js';
// Parameter views and the model split.
export { FiLM, isFilmLayer, filmLayers, filmVariables } from './params/film-layer.js';
export { insertFilm } from './params/insert-film.js';
export { filmAdapters, headParams, customParams, combineViews } from './params/film-adapters.js';
export { splitModel, type ModelSplit } from './params/model-split.js';
export { cutModel, type ModelCut, type CutModelOptions } from './params/model-cut.js';
export { cacheFeatures, FeatureCache, type Batch, type CachedFeatures, type CacheOptions, type Trunk } from './params/feature-cache.js';
// Compute backends.
export * from './backend/index.js';
// The value function.
export { ValueFunction, type ValueFunctionOptions, type ValueFunctionState, type ValueFunctionTimings } from './value/value-function.js';
export {
  LocalGP, type LocalGPOptions, type LocalGPHyperparameters, type ValuePrior, type GPDifferences, type SurrogateFitOptions,
} from './value/local-gp.js';
export { ValueStep } from './value/value-step.js';
export { TrustGate, type TrustOptions, type TrustGateState } from './value/trust.js';
export { kendallTau } from './value/kendall-tau.js';
export { cholesky, tryCholesky, CholeskyFactor, type CholeskyOptions } from './value/cholesky.js';
export {
  GlobalValueNet, type GlobalValueNetOptions, type GlobalValueNetState, type GlobalValueNetTrainResult, type MetricIdentity,
} from './value/global-value-net.js';
export { MlpEncoder, type MlpEncoderOptions } from './value/mlp-encoder.js';
export { SetEncoder, type SetEncoderOptions } from './value/set-encoder.js';
export { VALUE_NET_FORMAT, VALUE_NET_FORMAT_VERSION, type ValueNetMetadata } from './value/value-net-artifacts.js';
export type { ValueEncoder, EncoderConfig, EncoderKind, Activation } from './value/value-encoder.js';
export {
  TrajectoryWriter, writeTrajectory, readTrajectory, trajectoryStatus, TRAJECTORY_FORMAT, TRAJECTORY_FORMAT_VERSION,
  type Trajectory, type TrajectoryHeader, type TrajectoryHeaderInput, type TrajectoryEnd, type TrajectoryStatus,
} from './value/trajectory-store.js';
export { metaTrainValueNet, type MetaTrainOptions, type MetaTrainResult } from './value/meta-train.js';
export { loadValueFunction, checkValueFunction, finetuneValueOptions, type LoadValueFunctionOptions } from './value/load-value-function.js';
