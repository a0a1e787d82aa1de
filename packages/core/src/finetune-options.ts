import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Metric } from './metric.js';
import type { ObservationRound } from './observation.js';
import type { ParamView } from './param-view.js';

/** `loss+value` is MetricOpt (default); `value` follows V alone; `loss` and `es` are baselines; `loss+es` is the ablation. */
export type FinetuneMode = 'loss+value' | 'value' | 'loss' | 'es' | 'loss+es';
export const FINETUNE_MODES: readonly FinetuneMode[] = ['loss+value', 'value', 'loss', 'es', 'loss+es'];

/** A labelled split held in memory: inputs and targets with the same first dimension. */
export interface Split {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** A split given as tensors or as an async iterable of batches (materialised through the frozen trunk once). */
export type SplitSource = Split | AsyncIterable<Split>;

export type LossFn = (outputs: tf.Tensor, targets: tf.Tensor) => tf.Scalar;

export interface StepInfo {
  step: number;
  loss: number;
  trust: number;
}

export interface RoundInfo {
  round: number;
  step: number;
  /** The metric at the round's centre (the current φ), on the round's data. */
  centreMetric: number;
  /** Out-of-sample Kendall τ of V on this round, before it was fitted on it (null when V is off or for the first round). */
  tau: number | null;
  trust: number;
  metricCalls: number;
  observation: ObservationRound;
}

/**
 * Directions that guided exploration favours (all in δ): the loss gradient, V's gradient, the last round-to-round
 * step, and (with `mixing: 'loss-prior'`) the slope of every loss group.
 */
export type GuideDirection = 'loss' | 'value' | 'step' | 'groups';

export interface FinetuneOptions {
  model: LayersModel;
  params: ParamView;
  metric: Metric;
  /** Default: softmax cross-entropy against integer labels (or one-hot targets). */
  loss?: LossFn;
  data: { train: SplitSource; metric: SplitSource };
  /** Any tf.train optimizer (default Adam 1e-3). Not used by `es`. */
  optimizer?: tf.Optimizer;
  mode?: FinetuneMode;
  steps: number;
  seed: number;
  batchSize?: number;
  observeEvery?: number;
  /** K: antithetic pairs per round (2K + 1 metric calls). */
  perturbations?: number;
  sigma?: number;
  lambda?: number;
  warmupRounds?: number;
  /** Samples of the metric split per round: the whole split when it has at most this many (default 4096). */
  metricBatch?: number;
  /** Keep the φ with the best whole-split round-centre metric and restore it at the end (default true). */
  select?: boolean;
  esLearningRate?: number;
  valueFunction?: import('./value/value-function.js').ValueFunction;
  /** The local GP's options when finetune builds the value function itself (ignored with `valueFunction`). */
  gp?: { window?: number; lengthscaleMultipliers?: number[]; noiseGrid?: number[]; differences?: 'centre' | 'antithetic'; reselectEvery?: number };
  /** The trust gate's options when finetune builds the value function itself (warm-up comes from `warmupRounds`). */
  trust?: { ref?: number; ema?: number; fixed?: number | null };
  /**
   * Guided exploration (default off): a share of every perturbation's variance goes to the span of
   * the chosen directions at the round's centre (default ['loss', 'value']); E‖ε‖² is unchanged.
   */
  guide?: { share: number; directions?: GuideDirection[] };
  /**
   * The parts of φ that observation rounds perturb and V (or ES) steers (default: all of φ); the loss still trains all
   * of φ. Each entry is a segment kind (`film-scale`, `film-shift`, `head-kernel`, `head-bias`, `custom`) or the name of
   * a layer whose FiLM segments to steer. Fewer coordinates give the same rounds a sharper gradient estimate, e.g. a
   * detector's output biases (`['head-bias']`) or its output FiLM (`['head_out']`) instead of the whole output kernel.
   */
  steer?: readonly string[];
  /**
   * V's ascent as its own step (default off: V is mixed into the loss gradient with λ): Adam on ∇δ V
   * in δ with this step size at full trust, added to the loss optimizer's step. In mode `value` it is the only step.
   */
  valueStep?: { learningRate: number; beta1?: number };
  /** The loss gradient's part that V says hurts the metric: keep it (default) or project it out before mixing. */
  conflict?: 'keep' | 'project';
  /**
   * How V and the loss combine in `loss+value` (default `norm-matched`, METHOD.md §4). `loss-prior`: the loss is V's
   * prior mean with a scale fitted on the metric rounds (V = c·(−L) + GP residual) and the step follows −∇V.
   */
  mixing?: 'norm-matched' | 'loss-prior';
  /**
   * With `mixing: 'loss-prior'`: split the loss into groups of training examples, each its own surrogate with its own
   * fitted weight (V = Σ_g c_g·(−L_g) + residual, so the step follows a metric-weighted loss). `label`: one group per
   * class (integer labels, or the argmax of one-hot targets); or a function giving each target row's group. Default: one group.
   */
  lossGroups?: 'label' | ((targets: tf.Tensor) => ArrayLike<number>);
  /**
   * With `mixing: 'loss-prior'`: split the loss into its terms instead of its rows — e.g. a detector's per-class heatmap
   * terms and its box-size and offset terms — each its own surrogate with its own fitted weight, so the step follows a
   * metric-weighted sum of the terms. Returns the terms of the loss on a batch (they should sum to `loss`). Not with `lossGroups`.
   */
  lossParts?: (outputs: tf.Tensor, targets: tf.Tensor) => tf.Scalar[];
  /**
   * With `lossGroups`: V = s·(−L) + Σ_g d_g·(−L_g) + residual — the whole loss keeps its own weight s ≥ 0 and each
   * group's deviation d_g is shrunk towards 0 by this ridge (relative to its information; default 1), so the loss
   * as given is the prior and the metric moves it only as far as the rounds show. A list: the ridge is chosen from it
   * by marginal likelihood at every fit.
   */
  groupRidge?: number | number[];
  /**
   * Per-call metric time limit (ms): the metric's own `timeoutMs`, else 10 minutes (`DEFAULT_METRIC_TIMEOUT_MS`), so a
   * metric whose promise never settles stops the run with a MetricTimeoutError instead of hanging it. A synchronous
   * metric stuck in a loop can only be cut in a worker (`workerMetric`).
   */
  metricTimeoutMs?: number;
  /**
   * Retries of a failed metric call (it threw, returned a non-finite value or ran past its time limit) before the run
   * stops with that MetricError (default 0). The last checkpoint on disk stays the last good state: resume from it.
   */
  metricRetries?: number;
  /** Told of every failed metric call (the MetricError names the metric and step) and its attempt (0 = first call). */
  onMetricFault?: (error: import('./errors.js').MetricError, attempt: number) => void;
  checkpoint?: { dir: string; every?: number };
  onStep?: (info: StepInfo) => void;
  onRound?: (info: RoundInfo) => void;
}

export interface RoundRecord {
  round: number;
  step: number;
  centreMetric: number;
  tau: number | null;
  trust: number;
}

export interface FinetuneResult {
  mode: FinetuneMode;
  /** Optimizer steps taken (for `es`: updates, one per round). */
  steps: number;
  metricCalls: number;
  /** The selected φ's round-centre metric on the metric split and when it was seen (null when selection is off). */
  best: { step: number; metric: number } | null;
  history: RoundRecord[];
  /** Mean out-of-sample τ and trust over rounds (null when V is off). */
  tauMean: number | null;
  trustMean: number | null;
  /** End-to-end wall time and its shares. */
  timings: { totalSeconds: number; trunkSeconds: number; metricSeconds: number; valueSeconds: number };
  /** True when the run resumed from a checkpoint. */
  resumed: boolean;
}
