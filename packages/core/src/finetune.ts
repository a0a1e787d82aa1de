import * as tf from '@tensorflow/tfjs-core';
import { BatchSampler, type BatchSamplerState } from './batch-sampler.js';
import { CHECKPOINT_VERSION, CheckpointStore } from './checkpoint.js';
import { CheckpointError, InvalidArgumentError, describe } from './errors.js';
import { esGradient } from './es-estimate.js';
import {
  FINETUNE_MODES,
  type FinetuneMode,
  type FinetuneOptions,
  type FinetuneResult,
  type RoundRecord,
  type Split,
  type SplitSource,
} from './finetune-options.js';
import { softmaxCrossEntropy } from './losses.js';
import { MetricOptOptimizer, type MixedStep, type ValueGradientSource } from './metricopt-optimizer.js';
import { observeRound, probeMetric, type MetricProbe } from './observation-round.js';
import type { ObservationRound } from './observation.js';
import { cacheFeatures } from './params/feature-cache.js';
import { splitModel } from './params/model-split.js';
import { Rng, type RngState } from './rng.js';
import { ValueFunction } from './value/value-function.js';

const DEFAULTS = {
  mode: 'loss+value' as FinetuneMode,
  batchSize: 128,
  observeEvery: 10,
  perturbations: 4,
  sigma: 0.1,
  lambda: 3,
  warmupRounds: 3,
  metricBatch: 4096,
  select: true,
  esLearningRate: 0.03,
  metricRetries: 0,
  checkpointEvery: 50,
};

type Config = typeof DEFAULTS & { steps: number; seed: number };

interface SavedWeight {
  name: string;
  shape: number[];
  values: number[];
}

interface FinetuneState {
  version: number;
  fingerprint: Record<string, unknown>;
  step: number;
  round: number;
  metricCalls: number;
  phi: number[];
  optimizer: SavedWeight[];
  rng: RngState;
  sampler: BatchSamplerState | null;
  value: unknown;
  esGradient: number[] | null;
  best: { score: number; step: number; phi: number[] } | null;
  history: RoundRecord[];
  timings: { metricSeconds: number; valueSeconds: number };
}

/**
 * Finetunes the compact parameters φ of `model` so that `metric` improves, with the mode's update
 * rule (METHOD.md sections 2–5). The frozen trunk below φ's first layer runs once per split; the
 * best φ by whole-split round-centre metric is restored at the end (unless `select: false`).
 *
 * ```ts
 * const run = await finetune({ model, params: headParams(model), metric, steps: 300, seed: 1,
 *   data: { train: { x, y }, metric: { x: xm, y: ym } } });
 * run.best;   // { step: 240, metric: 0.1318 }
 * ```
 */
export async function finetune(opts: FinetuneOptions): Promise<FinetuneResult> {
  const cfg = resolveConfig(opts);
  const started = performance.now();
  const view = opts.params;
  const lossFn = opts.loss ?? softmaxCrossEntropy;
  const split = splitModel(opts.model, view.boundary);
  const owned: tf.Tensor[] = [];
  const store = opts.checkpoint ? new CheckpointStore(opts.checkpoint.dir) : null;
  const ownsValueFunction = opts.valueFunction === undefined;
  const usesValue = cfg.mode === 'loss+value' || cfg.mode === 'value';
  const valueFn = usesValue ? (opts.valueFunction ?? new ValueFunction({ trust: { warmupRounds: cfg.warmupRounds } })) : null;
  const optimizer = opts.optimizer ?? tf.train.adam(1e-3);
  const ownsOptimizer = opts.optimizer === undefined;
  const esState: { latest: Float64Array | null; rounds: number } = { latest: null, rounds: 0 };
  const esSource: ValueGradientSource = {
    gradient: () => esState.latest ?? new Float64Array(view.size),
    get trust() {
      return esState.latest !== null && esState.rounds >= cfg.warmupRounds ? 1 : 0;
    },
  };
  let esVariable: tf.Variable | null = null;
  let esOptimizer: tf.Optimizer | null = null;
  try {
    if (store) await store.lock();
    const trunkStart = performance.now();
    const train = await featuresOf(split.trunk, opts.data.train, 'data.train', owned);
    const met = await featuresOf(split.trunk, opts.data.metric, 'data.metric', owned);
    const trunkSeconds = (performance.now() - trunkStart) / 1000;

    const rng = new Rng(cfg.seed);
    const probe: MetricProbe = {
      metric: opts.metric,
      head: split.head,
      timeoutMs: opts.metricTimeoutMs ?? opts.metric.timeoutMs,
      retries: cfg.metricRetries,
      seconds: 0,
      calls: 0,
    };
    let valueSeconds = 0;
    let step = 0;
    let round = 0;
    let best: { score: number; step: number; phi: Float32Array } | null = null;
    const history: RoundRecord[] = [];
    const taus: number[] = [];
    const trusts: number[] = [];
    const sampler = cfg.mode === 'es' ? null : new BatchSampler(train.count, cfg.batchSize, rng);
    const mixer =
      cfg.mode === 'es'
        ? null
        : new MetricOptOptimizer({
            optimizer,
            params: view,
            lambda: cfg.lambda,
            mode: cfg.mode === 'loss+es' ? 'loss+value' : cfg.mode,
            ...(cfg.mode === 'loss' ? {} : { value: cfg.mode === 'loss+es' ? esSource : valueFn! }),
          });
    esOptimizer = cfg.mode === 'es' ? tf.train.adam(cfg.esLearningRate) : null;
    if (esOptimizer) esVariable = tf.tidy(() => tf.variable(tf.zeros([view.size]), true, `metricopt_es_delta_${uniqueId()}`));
    const wholeSplit = met.count <= cfg.metricBatch;
    const fingerprint = {
      mode: cfg.mode, seed: cfg.seed, steps: cfg.steps, params: view.size, metric: opts.metric.name,
      observeEvery: cfg.observeEvery, perturbations: cfg.perturbations, sigma: cfg.sigma, batchSize: cfg.batchSize,
      train: train.count, metricSplit: met.count,
    };

    let resumed = false;
    const saved = store ? await store.load<FinetuneState>() : null;
    if (saved) {
      const mismatch = Object.entries(fingerprint).find(([k, v]) => saved.fingerprint?.[k] !== v);
      if (mismatch) {
        throw new CheckpointError(
          `checkpoint in ${store!.dir} belongs to another run: its ${mismatch[0]} is ${String(saved.fingerprint?.[mismatch[0]])}, this run's is ${String(mismatch[1])}`,
        );
      }
      step = saved.step;
      round = saved.round;
      probe.calls = saved.metricCalls;
      view.write(Float32Array.from(saved.phi));
      rng.setState(saved.rng);
      if (sampler && saved.sampler) sampler.setState(saved.sampler);
      await restoreOptimizer(esOptimizer ?? optimizer, saved.optimizer);
      if (valueFn && saved.value !== null) valueFn.setState(saved.value as never);
      esState.latest = saved.esGradient ? Float64Array.from(saved.esGradient) : null;
      esState.rounds = round;
      best = saved.best ? { ...saved.best, phi: Float32Array.from(saved.best.phi) } : null;
      history.push(...saved.history);
      for (const h of history) {
        if (h.tau !== null) taus.push(h.tau);
        trusts.push(h.trust);
      }
      if (esVariable) esVariable.assign(tf.tensor1d(view.delta()));
      probe.seconds = saved.timings.metricSeconds;
      valueSeconds = saved.timings.valueSeconds;
      resumed = true;
    }

    const checkpoint = async (): Promise<void> => {
      if (!store) return;
      const state: FinetuneState = {
        version: CHECKPOINT_VERSION,
        fingerprint,
        step,
        round,
        metricCalls: probe.calls,
        phi: Array.from(view.read()),
        optimizer: await saveOptimizer(esOptimizer ?? optimizer),
        rng: rng.getState(),
        sampler: sampler ? sampler.getState() : null,
        value: valueFn ? valueFn.getState() : null,
        esGradient: esState.latest ? Array.from(esState.latest) : null,
        best: best ? { score: best.score, step: best.step, phi: Array.from(best.phi) } : null,
        history,
        timings: { metricSeconds: probe.seconds, valueSeconds },
      };
      await store.save(state);
    };

    const considerBest = (score: number, atStep: number): void => {
      if (cfg.select && (best === null || score > best.score)) best = { score, step: atStep, phi: view.read() };
    };

    /** One observation round at the current φ; feeds V (or the ES estimate) and model selection. */
    const observe = async (): Promise<ObservationRound> => {
      let features = met.features;
      let targets = met.targets;
      if (!wholeSplit) {
        const idx = rng.permutation(met.count).slice(0, cfg.metricBatch);
        [features, targets] = tf.tidy(() => {
          const i = tf.tensor1d(idx, 'int32');
          return [tf.gather(met.features, i), tf.gather(met.targets, i)];
        });
      }
      let obs: ObservationRound;
      try {
        obs = await observeRound(view, probe, features, targets, rng, {
          round, step, perturbations: cfg.perturbations, sigma: cfg.sigma, wholeSplit,
        });
      } finally {
        if (!wholeSplit) tf.dispose([features, targets]);
      }
      if (wholeSplit) considerBest(obs.scores[0]!, step);
      else if (cfg.select) {
        const m = await probeMetric(probe, met.features, met.targets, step);
        considerBest(opts.metric.higherIsBetter ? m : -m, step);
      }
      let tau: number | null = null;
      let trust = 0;
      if (valueFn) {
        const t0 = performance.now();
        ({ tau, trust } = valueFn.addRound(obs));
        valueSeconds += (performance.now() - t0) / 1000;
        if (tau !== null) taus.push(tau);
      } else if (cfg.mode === 'loss+es') {
        esState.latest = esGradient(obs, cfg.sigma);
        esState.rounds = round + 1;
        trust = esSource.trust;
      }
      trusts.push(trust);
      const record: RoundRecord = { round, step, centreMetric: obs.metrics[0]!, tau, trust };
      history.push(record);
      opts.onRound?.({ ...record, metricCalls: probe.calls, observation: obs });
      round++;
      return obs;
    };

    const every = opts.checkpoint?.every ?? DEFAULTS.checkpointEvery;
    if (cfg.mode === 'es') {
      const rounds = Math.ceil(cfg.steps / cfg.observeEvery);
      while (round < rounds) {
        const obs = await observe();
        const g = esGradient(obs, cfg.sigma);
        tf.tidy(() => {
          esVariable!.assign(tf.tensor1d(view.delta()));
          esOptimizer!.applyGradients([{ name: esVariable!.name, tensor: tf.neg(tf.tensor1d(Float32Array.from(g))) }]);
        });
        view.setDelta(esVariable!.dataSync() as Float32Array);
        step = round;
        opts.onStep?.({ step, loss: NaN, trust: 0 });
        if (store && round % Math.max(1, Math.round(every / cfg.observeEvery)) === 0) await checkpoint();
      }
      step = rounds;
    } else {
      while (step < cfg.steps) {
        if (step % cfg.observeEvery === 0 && round <= Math.floor(step / cfg.observeEvery)) await observe();
        const idx = sampler!.next();
        let info!: MixedStep;
        tf.tidy(() => {
          const i = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(train.features, i);
          const yb = tf.gather(train.targets, i);
          info = mixer!.step(() => lossFn(split.head(xb), yb));
        });
        valueSeconds += info.valueSeconds;
        step++;
        opts.onStep?.({ step, loss: info.loss, trust: info.trust });
        if (store && step % every === 0) await checkpoint();
      }
    }
    // The final φ competes for selection too (one whole-split call).
    if (cfg.select) {
      const m = await probeMetric(probe, met.features, met.targets, step);
      considerBest(opts.metric.higherIsBetter ? m : -m, step);
    }
    const chosen = best as { score: number; step: number; phi: Float32Array } | null;
    if (chosen) view.write(chosen.phi);
    if (store) await checkpoint();

    const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
    return {
      mode: cfg.mode,
      steps: step,
      metricCalls: probe.calls,
      best: chosen ? { step: chosen.step, metric: opts.metric.higherIsBetter ? chosen.score : -chosen.score } : null,
      history,
      tauMean: usesValue ? mean(taus) : null,
      trustMean: usesValue || cfg.mode === 'loss+es' ? mean(trusts) : null,
      timings: {
        totalSeconds: (performance.now() - started) / 1000,
        trunkSeconds,
        metricSeconds: probe.seconds,
        valueSeconds,
      },
      resumed,
    };
  } finally {
    tf.dispose(owned);
    esVariable?.dispose();
    esOptimizer?.dispose();
    split.dispose();
    if (ownsValueFunction) valueFn?.dispose();
    if (ownsOptimizer) optimizer.dispose();
    if (store) await store.unlock();
  }
}

let idCounter = 0;
function uniqueId(): string {
  return `${process.pid}_${idCounter++}`;
}

function resolveConfig(opts: FinetuneOptions): Config {
  const fn = 'finetune';
  if (opts === null || typeof opts !== 'object') throw new InvalidArgumentError(fn, 'options', 'an object', describe(opts));
  const cfg: Config = {
    mode: opts.mode ?? DEFAULTS.mode,
    batchSize: opts.batchSize ?? DEFAULTS.batchSize,
    observeEvery: opts.observeEvery ?? DEFAULTS.observeEvery,
    perturbations: opts.perturbations ?? DEFAULTS.perturbations,
    sigma: opts.sigma ?? DEFAULTS.sigma,
    lambda: opts.lambda ?? DEFAULTS.lambda,
    warmupRounds: opts.warmupRounds ?? DEFAULTS.warmupRounds,
    metricBatch: opts.metricBatch ?? DEFAULTS.metricBatch,
    select: opts.select ?? DEFAULTS.select,
    esLearningRate: opts.esLearningRate ?? DEFAULTS.esLearningRate,
    metricRetries: opts.metricRetries ?? DEFAULTS.metricRetries,
    checkpointEvery: opts.checkpoint?.every ?? DEFAULTS.checkpointEvery,
    steps: opts.steps,
    seed: opts.seed,
  };
  if (!FINETUNE_MODES.includes(cfg.mode)) {
    throw new InvalidArgumentError(fn, 'mode', `one of ${FINETUNE_MODES.join(', ')}`, JSON.stringify(cfg.mode));
  }
  const positiveInts: (keyof Config)[] = ['steps', 'batchSize', 'observeEvery', 'perturbations', 'metricBatch', 'checkpointEvery'];
  for (const k of positiveInts) {
    const v = cfg[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(fn, k, 'a positive integer', describe(v));
  }
  for (const k of ['warmupRounds', 'metricRetries'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 0) throw new InvalidArgumentError(fn, k, 'an integer >= 0', describe(cfg[k]));
  }
  if (!Number.isInteger(cfg.seed)) throw new InvalidArgumentError(fn, 'seed', 'an integer', describe(cfg.seed));
  for (const k of ['sigma', 'esLearningRate'] as const) {
    if (!(cfg[k] > 0) || !Number.isFinite(cfg[k])) throw new InvalidArgumentError(fn, k, 'a positive finite number', describe(cfg[k]));
  }
  if (!(cfg.lambda >= 0) || !Number.isFinite(cfg.lambda)) throw new InvalidArgumentError(fn, 'lambda', 'a finite number >= 0', describe(cfg.lambda));
  if (!opts.data || opts.data.train === undefined || opts.data.metric === undefined) {
    throw new InvalidArgumentError(fn, 'data', '{ train, metric } splits', describe(opts.data));
  }
  if (opts.optimizer !== undefined && !(opts.optimizer instanceof tf.Optimizer)) {
    throw new InvalidArgumentError(fn, 'optimizer', 'a tf.train optimizer', describe(opts.optimizer));
  }
  return cfg;
}

interface CachedSplit {
  features: tf.Tensor;
  targets: tf.Tensor;
  count: number;
}

/** Runs the frozen trunk over a split once; the resulting tensors are owned by the run. */
async function featuresOf(
  trunk: (x: tf.Tensor) => tf.Tensor,
  source: SplitSource,
  name: string,
  owned: tf.Tensor[],
): Promise<CachedSplit> {
  let features: tf.Tensor;
  let targets: tf.Tensor;
  if (isSplit(source)) {
    if (source.x.shape[0] !== source.y.shape[0] || source.x.shape[0] === 0) {
      throw new InvalidArgumentError('finetune', name, 'x and y with the same, non-zero first dimension',
        `x ${describe(source.x)} and y ${describe(source.y)}`);
    }
    features = cacheFeatures(trunk, source.x, { batchSize: 1024 });
    targets = tf.clone(source.y);
  } else if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    ({ features, y: targets } = await cacheFeatures(trunk, source, { batchSize: 1024 }));
  } else {
    throw new InvalidArgumentError('finetune', name, '{x, y} tensors or an async iterable of them', describe(source));
  }
  owned.push(features, targets);
  if (features.shape[0] !== targets.shape[0]) {
    throw new InvalidArgumentError('finetune', name, 'as many targets as inputs',
      `${features.shape[0]} inputs and ${targets.shape[0]} targets`);
  }
  return { features, targets, count: features.shape[0]! };
}

function isSplit(v: unknown): v is Split {
  return typeof v === 'object' && v !== null && (v as Split).x instanceof tf.Tensor && (v as Split).y instanceof tf.Tensor;
}

async function saveOptimizer(optimizer: tf.Optimizer): Promise<SavedWeight[]> {
  const weights = await optimizer.getWeights();
  return weights.map((w) => ({ name: w.name, shape: w.tensor.shape.slice(), values: Array.from(w.tensor.dataSync()) }));
}

async function restoreOptimizer(optimizer: tf.Optimizer, saved: SavedWeight[]): Promise<void> {
  const tensors = saved.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape) }));
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
}

/** The metric of the model's outputs on a whole split (outputs computed in chunks). */
export async function evaluateMetric(
  model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] },
  metric: import('./metric.js').Metric,
  split: Split,
  batchSize = 1024,
): Promise<number> {
  const outputs = tf.tidy(() => {
    const n = split.x.shape[0]!;
    const chunks: tf.Tensor[] = [];
    for (let i = 0; i < n; i += batchSize) {
      const out = model.predict(tf.slice(split.x, i, Math.min(batchSize, n - i)));
      chunks.push(Array.isArray(out) ? out[0]! : out);
    }
    return chunks.length === 1 ? chunks[0]! : tf.concat(chunks);
  });
  try {
    const { callMetric } = await import('./metric.js');
    return await callMetric(metric, outputs, split.y, -1);
  } finally {
    outputs.dispose();
  }
}
