import * as tf from '@tensorflow/tfjs-core';
import { BatchSampler } from './batch-sampler.js';
import { CHECKPOINT_VERSION, CheckpointStore } from './checkpoint.js';
import { CheckpointError, DivergenceError, InvalidArgumentError, describe } from './errors.js';
import { esGradient } from './es-estimate.js';
import {
  FINETUNE_MODES,
  type FinetuneMode,
  type FinetuneOptions,
  type FinetuneResult,
  type GuideDirection,
  type RoundRecord,
  type Split,
  type SplitSource,
} from './finetune-options.js';
import { checkFinetuneState, restoreOptimizer, saveOptimizer, type FinetuneState } from './finetune-state.js';
import { softmaxCrossEntropy } from './losses.js';
import { MetricOptOptimizer, type MixedStep, type ValueGradientSource } from './metricopt-optimizer.js';
import { observeRound, probeMetric, type MetricProbe } from './observation-round.js';
import type { ObservationRound } from './observation.js';
import { cacheFeatures } from './params/feature-cache.js';
import { splitModel } from './params/model-split.js';
import { SEGMENT_KINDS, type ParamSegment, type ParamView } from './param-view.js';
import { Rng } from './rng.js';
import { ValueFunction } from './value/value-function.js';
import { ValueStep } from './value/value-step.js';

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
  guide: { share: 0, directions: ['loss', 'value'] as GuideDirection[] },
};

/** A metric call's time limit when neither finetune's `metricTimeoutMs` nor the metric's own is set: 10 minutes. */
export const DEFAULT_METRIC_TIMEOUT_MS = 600_000;

type Config = typeof DEFAULTS & { steps: number; seed: number };
const GUIDE_DIRECTIONS: readonly GuideDirection[] = ['loss', 'value', 'step', 'groups'];

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
  const valueFn = usesValue
    ? (opts.valueFunction ??
      new ValueFunction({
        local: { ...opts.gp },
        trust: { ...opts.trust, warmupRounds: cfg.warmupRounds },
        ...(opts.gp?.differences === 'antithetic' ? { scoreOn: 'perturbations' as const } : {}),
      }))
    : null;
  const steerMask = steerMaskOf(view, opts.steer);
  // V steers only the coordinates the rounds perturb: its gradient elsewhere is the GP's guess from centre drift.
  const steered = valueFn && steerMask ? maskedSource(valueFn, steerMask) : valueFn;
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
    const lossPrior = usesValue && opts.mixing === 'loss-prior';
    const groups = lossPrior ? lossGroupsOf(opts, () => lossPartCount(opts, split.head, train), train.targets) : null;

    const rng = new Rng(cfg.seed);
    const probe: MetricProbe = {
      metric: opts.metric,
      head: split.head,
      timeoutMs: opts.metricTimeoutMs ?? opts.metric.timeoutMs ?? DEFAULT_METRIC_TIMEOUT_MS,
      retries: cfg.metricRetries,
      ...(opts.onMetricFault ? { onFault: opts.onMetricFault } : {}),
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
    const guide = {
      lossSum: new Float64Array(cfg.guide.share > 0 ? view.size : 0),
      lossCount: 0,
      previousCentre: null as Float32Array | null,
    };
    const sampler = cfg.mode === 'es' ? null : new BatchSampler(train.count, cfg.batchSize, rng);
    const stepper = usesValue && opts.valueStep ? new ValueStep(view.size, opts.valueStep) : null;
    const mixer =
      cfg.mode === 'es' || (stepper && cfg.mode === 'value')
        ? null
        : new MetricOptOptimizer({
            optimizer,
            params: view,
            lambda: cfg.lambda,
            ...(opts.conflict ? { conflict: opts.conflict } : {}),
            ...(opts.mixing ? { mixing: opts.mixing } : {}),
            mode: stepper ? 'loss' : cfg.mode === 'loss+es' ? 'loss+value' : cfg.mode,
            ...(cfg.mode === 'loss' || stepper ? {} : { value: cfg.mode === 'loss+es' ? esSource : steered! }),
          });
    esOptimizer = cfg.mode === 'es' ? tf.train.adam(cfg.esLearningRate) : null;
    if (esOptimizer) esVariable = tf.tidy(() => tf.variable(tf.zeros([view.size]), true, `metricopt_es_delta_${uniqueId()}`));
    const wholeSplit = met.count <= cfg.metricBatch;
    const fingerprint = {
      mode: cfg.mode, seed: cfg.seed, steps: cfg.steps, params: view.size, metric: opts.metric.name,
      observeEvery: cfg.observeEvery, perturbations: cfg.perturbations, sigma: cfg.sigma, batchSize: cfg.batchSize,
      train: train.count, metricSplit: met.count,
      // The update rule's knobs: resuming under other knobs would splice two different runs.
      lambda: cfg.lambda, warmupRounds: cfg.warmupRounds, metricBatch: cfg.metricBatch, select: cfg.select, esLearningRate: cfg.esLearningRate,
      knobs: JSON.stringify([opts.steer ?? null, opts.gp ?? null, opts.trust ?? null, cfg.guide, opts.valueStep ?? null, opts.conflict ?? 'keep', opts.mixing ?? 'norm-matched',
        typeof opts.lossGroups === 'function' ? 'function' : (opts.lossGroups ?? null), opts.lossParts ? 'terms' : null, opts.groupRidge ?? null]),
    };

    let latestSlopes: Float64Array[] | null = null;
    let resumed = false;
    let resumedFrom = '';
    /** Stops a run whose loss or φ is no longer finite: nothing after it could be trusted. */
    const diverged = (what: string): DivergenceError =>
      new DivergenceError(`finetune diverged at step ${step}: ${what}${resumedFrom}`);
    const saved = store ? await store.load<FinetuneState>() : null;
    let complete = false;
    if (saved) {
      const source = store!.path;
      const optimizerUsed = esOptimizer ?? optimizer;
      checkFinetuneState(saved, source, {
        params: view.size,
        trainRows: train.count,
        variableShapes: esVariable ? [esVariable.shape.slice()] : view.variables.map((v) => v.shape.slice()),
      });
      const mismatch = Object.entries(fingerprint).find(([k, v]) => saved.fingerprint[k] !== v);
      if (mismatch) {
        throw new CheckpointError(
          `checkpoint in ${store!.dir} belongs to another run: its ${mismatch[0]} is ${describe(saved.fingerprint[mismatch[0]])}, this run's is ${describe(mismatch[1])}`,
        );
      }
      try {
        // What can still refuse the state (value function, optimizer) goes first: φ is written only once they took it.
        if (valueFn && saved.value !== null) valueFn.setState(saved.value as never, `${source}: value`);
        await restoreOptimizer(optimizerUsed, saved.optimizer, saved.optimizerExtra, source);
        if (stepper && saved.valueStep) stepper.setState(saved.valueStep, `${source}: valueStep`);
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        throw new CheckpointError(`${source}: ${(err as Error).message}`, { cause: err });
      }
      step = saved.step;
      round = saved.round;
      probe.calls = saved.metricCalls;
      view.write(Float32Array.from(saved.phi));
      rng.setState(saved.rng);
      if (sampler && saved.sampler) sampler.setState(saved.sampler);
      esState.latest = saved.esGradient ? Float64Array.from(saved.esGradient) : null;
      esState.rounds = round;
      best = saved.best ? { ...saved.best, phi: Float32Array.from(saved.best.phi) } : null;
      history.push(...saved.history);
      for (const h of history) {
        if (h.tau !== null) taus.push(h.tau);
        trusts.push(h.trust);
      }
      if (esVariable) esVariable.assign(tf.tensor1d(view.delta()));
      if (saved.guide && guide.lossSum.length === saved.guide.lossSum.length) {
        guide.lossSum.set(saved.guide.lossSum);
        guide.lossCount = saved.guide.lossCount;
        guide.previousCentre = saved.guide.previousCentre ? Float32Array.from(saved.guide.previousCentre) : null;
      }
      if (saved.slopes) latestSlopes = saved.slopes.map((v) => Float64Array.from(v));
      probe.seconds = saved.timings.metricSeconds;
      valueSeconds = saved.timings.valueSeconds;
      complete = saved.complete === true;
      resumed = true;
      resumedFrom = ` (the run resumed from ${source} at step ${step})`;
    }

    const checkpoint = async (): Promise<void> => {
      if (!store) return;
      const optimizerState = await saveOptimizer(esOptimizer ?? optimizer);
      const state: FinetuneState = {
        version: CHECKPOINT_VERSION,
        fingerprint,
        step,
        round,
        metricCalls: probe.calls,
        phi: Array.from(view.read()),
        optimizer: optimizerState.weights,
        optimizerExtra: optimizerState.extra,
        rng: rng.getState(),
        sampler: sampler ? sampler.getState() : null,
        value: valueFn ? valueFn.getState() : null,
        esGradient: esState.latest ? Array.from(esState.latest) : null,
        best: best ? { score: best.score, step: best.step, phi: Array.from(best.phi) } : null,
        history,
        timings: { metricSeconds: probe.seconds, valueSeconds },
      };
      if (stepper) state.valueStep = stepper.getState();
      if (latestSlopes) state.slopes = latestSlopes.map((v) => Array.from(v));
      if (complete) state.complete = true;
      if (cfg.guide.share > 0) {
        state.guide = {
          lossSum: Array.from(guide.lossSum),
          lossCount: guide.lossCount,
          previousCentre: guide.previousCentre ? Array.from(guide.previousCentre) : null,
        };
      }
      await store.save(state);
    };

    const considerBest = (score: number, atStep: number): void => {
      if (cfg.select && (best === null || score > best.score)) best = { score, step: atStep, phi: view.read() };
    };

    /** ∇δ L at the current φ on the given training rows (default: a fresh sample of at most 1,024). */
    const lossGradientDelta = (rows?: ArrayLike<number>, part?: number): Float64Array => {
      const idx = rows ?? rng.permutation(train.count).slice(0, Math.min(train.count, 1024));
      const g = tf.tidy(() => {
        const i = tf.tensor1d(Int32Array.from(idx), 'int32');
        const xb = tf.gather(train.features, i);
        const yb = tf.gather(train.targets, i);
        const term = part === undefined ? lossFn : (o: tf.Tensor, t: tf.Tensor) => opts.lossParts!(o, t)[part]!;
        const { value, grads } = tf.variableGrads(() => term(split.head(xb), yb), view.variables);
        value.dispose();
        return view.flatten(grads);
      });
      return Float64Array.from(g, (v, i) => v * view.scales[i]!);
    };

    /** The surrogates' ascent directions at the current φ: −∇δ L, then −∇δ L_g of every group (up to 256 rows each). */
    const surrogateSlopes = (): Float64Array[] => {
      const negate = (g: Float64Array) => g.map((v) => -v);
      const whole = negate(lossGradientDelta());
      if (groups === null) return [whole];
      // Loss terms share one sample of up to 256 rows: a term's slope costs a forward and backward pass on it.
      const partRows = groups[0] === 'part' ? rng.permutation(train.count).slice(0, Math.min(train.count, 256)) : null;
      return [whole, ...groups.map((rows, g) => {
        if (rows === 'part') return negate(lossGradientDelta(partRows!, g));
        if (rows.length === 0) return new Float64Array(view.size);
        const pick = rows.length <= 256 ? rows : Array.from(rng.permutation(rows.length).subarray(0, 256), (k) => rows[k]!);
        return negate(lossGradientDelta(pick));
      })];
    };
    const ridgeGrid = Array.isArray(opts.groupRidge) ? opts.groupRidge : null;
    const groupRidge = Array.isArray(opts.groupRidge) ? 1 : (opts.groupRidge ?? 1);
    const surrogateFit = groups
      ? {
          ridge: [0, ...groups.map(() => groupRidge)],
          signed: [false, ...groups.map(() => true)],
          ...(ridgeGrid ? { ridgeGrid } : {}),
        }
      : undefined;

    /** The guide's directions at the current centre, in δ (those not available yet are left out). */
    const guideDirections = (slopes: Float64Array[] | null): Float64Array[] => {
      const t0 = performance.now();
      const centre = view.delta();
      const out: Float64Array[] = [];
      for (const kind of cfg.guide.directions) {
        if (kind === 'loss' && guide.lossCount > 0) {
          out.push(Float64Array.from(guide.lossSum, (v, i) => (v / guide.lossCount) * view.scales[i]!));
        } else if (kind === 'loss' && (mixer === null || mixer.mode === 'value')) {
          // No loss steps to average (modes value, es): the loss gradient on a fresh sample of the train split.
          out.push(lossGradientDelta());
        } else if (kind === 'value' && valueFn !== null && valueFn.rounds > 0) {
          out.push(valueFn.gradient(centre));
        } else if (kind === 'value' && cfg.mode === 'loss+es' && esState.latest !== null) {
          out.push(esState.latest);
        } else if (kind === 'groups' && slopes !== null) {
          out.push(...slopes.slice(1));
        } else if (kind === 'step' && guide.previousCentre !== null) {
          out.push(Float64Array.from(centre, (v, i) => v - guide.previousCentre![i]!));
        }
      }
      guide.lossSum.fill(0);
      guide.lossCount = 0;
      guide.previousCentre = centre;
      valueSeconds += (performance.now() - t0) / 1000;
      return out;
    };

    /** One observation round at the current φ; feeds V (or the ES estimate) and model selection. */
    const observe = async (): Promise<ObservationRound> => {
      // δ = (φ − φ₀)/s in float32: a finite φ far from φ₀ can still overflow it, and V cannot use such points.
      const delta = view.delta();
      const bad = delta.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw diverged(`δ[${bad}] = (φ − φ₀)/s is ${delta[bad]}`);
      let features = met.features;
      let targets = met.targets;
      if (!wholeSplit) {
        const idx = rng.permutation(met.count).slice(0, cfg.metricBatch);
        [features, targets] = tf.tidy(() => {
          const i = tf.tensor1d(idx, 'int32');
          return [tf.gather(met.features, i), tf.gather(met.targets, i)];
        });
      }
      const t0 = performance.now();
      const slopes = lossPrior ? surrogateSlopes() : null;
      latestSlopes = slopes;
      valueSeconds += (performance.now() - t0) / 1000;
      const directions = cfg.guide.share > 0 ? guideDirections(slopes) : [];
      let obs: ObservationRound;
      try {
        obs = await observeRound(view, probe, features, targets, rng, {
          round, step, perturbations: cfg.perturbations, sigma: cfg.sigma, wholeSplit, mask: steerMask,
          ...(directions.length > 0 ? { guide: { directions, share: cfg.guide.share } } : {}),
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
        // The loss as V's prior mean: its slopes at the centre predict the round's differences.
        ({ tau, trust } = valueFn.addRound(obs, slopes ? { surrogateSlopes: slopes, ...(surrogateFit ? { surrogateFit } : {}) } : {}));
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

    /** ∇φ Σ_g d_g·L_g from the latest round's group slopes (weights [s, d_0, d_1, …]; slope_g = −∇δ L_g). */
    const groupGradient = (weights: readonly number[]): Float32Array | null => {
      if (latestSlopes === null) return null;
      const out = new Float32Array(view.size);
      for (let g = 1; g < latestSlopes.length; g++) {
        const w = weights[g] ?? 0;
        if (w === 0) continue;
        const slope = latestSlopes[g]!;
        for (let i = 0; i < out.length; i++) out[i] = out[i]! - (w * slope[i]!) / view.scales[i]!;
      }
      return out;
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
        let info: MixedStep = { loss: NaN, trust: valueFn?.trust ?? 0, valueSeconds: 0, lossGradient: null };
        if (mixer) {
          tf.tidy(() => {
            const i = tf.tensor1d(idx, 'int32');
            const xb = tf.gather(train.features, i);
            const yb = tf.gather(train.targets, i);
            info = mixer.step(() => lossFn(split.head(xb), yb), groups ? groupGradient : undefined);
          });
        }
        if (mixer && mixer.mode !== 'value' && !Number.isFinite(info.loss)) throw diverged(`the loss is ${info.loss}`);
        if (stepper) {
          info.trust = valueFn!.trust;
          info.valueSeconds += stepper.step(view, steered!);
        }
        valueSeconds += info.valueSeconds;
        if (guide.lossSum.length > 0 && info.lossGradient !== null) {
          for (let i = 0; i < guide.lossSum.length; i++) guide.lossSum[i] = guide.lossSum[i]! + info.lossGradient[i]!;
          guide.lossCount++;
        }
        step++;
        opts.onStep?.({ step, loss: info.loss, trust: info.trust });
        if (store && step % every === 0) await checkpoint();
      }
    }
    // The final φ competes for selection too (one whole-split call), once: a finished run resumed makes none.
    if (cfg.select && !complete) {
      const m = await probeMetric(probe, met.features, met.targets, step);
      considerBest(opts.metric.higherIsBetter ? m : -m, step);
    }
    const chosen = best as { score: number; step: number; phi: Float32Array } | null;
    if (chosen) view.write(chosen.phi);
    if (store && !complete) {
      complete = true;
      await checkpoint();
    }

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

/** 1 on the coordinates of the steered segments (by kind, or by the layer a FiLM segment modulates), 0 elsewhere; null when all are steered. */
function steerMaskOf(view: ParamView, steer: readonly string[] | undefined): Float32Array | null {
  if (steer === undefined) return null;
  const matches = (s: ParamSegment, entry: string) => s.kind === entry || (s.layer !== undefined && s.layer === entry);
  const has = [...new Set(view.segments.flatMap((s) => [s.kind, ...(s.layer !== undefined ? [s.layer] : [])]))];
  if (!Array.isArray(steer) || steer.length === 0 || steer.some((k) => typeof k !== 'string')) {
    throw new InvalidArgumentError('finetune', 'steer', `a non-empty list of segment kinds (${SEGMENT_KINDS.join(', ')}) or FiLM layer names`, describe(steer));
  }
  const unknown = steer.find((k) => !view.segments.some((s) => matches(s, k)));
  if (unknown !== undefined) {
    throw new InvalidArgumentError('finetune', 'steer', `segment kinds or FiLM layers that φ has (${has.join(', ')})`, JSON.stringify(unknown));
  }
  const mask = new Float32Array(view.size);
  for (const s of view.segments) if (steer.some((k) => matches(s, k))) mask.fill(1, s.offset, s.offset + s.size);
  return mask.includes(0) ? mask : null;
}

/** A value source whose gradient is zero outside `mask`. */
function maskedSource(source: ValueGradientSource, mask: Float32Array): ValueGradientSource {
  return {
    gradient: (delta) => Float64Array.from(source.gradient(delta), (g, i) => g * mask[i]!),
    get trust() {
      return source.trust;
    },
    get surrogateWeights() {
      return source.surrogateWeights;
    },
  };
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
    guide: {
      share: opts.guide?.share ?? DEFAULTS.guide.share,
      directions: opts.guide?.directions ? [...opts.guide.directions] : [...DEFAULTS.guide.directions],
    },
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
  if (!(cfg.guide.share >= 0 && cfg.guide.share <= 1)) {
    throw new InvalidArgumentError(fn, 'guide.share', 'a number in [0, 1]', describe(cfg.guide.share));
  }
  if (!Array.isArray(cfg.guide.directions) || cfg.guide.directions.some((d) => !GUIDE_DIRECTIONS.includes(d))) {
    throw new InvalidArgumentError(fn, 'guide.directions', `a list of ${GUIDE_DIRECTIONS.join(', ')}`, describe(opts.guide?.directions));
  }
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

/** The surrogate groups of `loss-prior`: row groups (`lossGroups`), the loss's terms (`lossParts`), or none. */
function lossGroupsOf(opts: FinetuneOptions, partCount: () => number, targets: tf.Tensor): (number[] | 'part')[] | null {
  if (opts.lossGroups !== undefined && opts.lossParts !== undefined) {
    throw new InvalidArgumentError('finetune', 'lossParts', 'not together with lossGroups (groups are rows or terms)', 'both');
  }
  if (opts.lossGroups !== undefined) return groupRows(targets, opts.lossGroups);
  if (opts.lossParts === undefined) return null;
  if (typeof opts.lossParts !== 'function') {
    throw new InvalidArgumentError('finetune', 'lossParts', 'a function (outputs, targets) => the loss terms', describe(opts.lossParts));
  }
  return Array.from({ length: partCount() }, () => 'part' as const);
}

/** How many terms `lossParts` returns, from one call on a few training rows (each must be a scalar). */
function lossPartCount(opts: FinetuneOptions, head: (features: tf.Tensor) => tf.Tensor, train: { features: tf.Tensor; targets: tf.Tensor }): number {
  return tf.tidy(() => {
    const n = Math.min(2, train.features.shape[0]!);
    const parts = opts.lossParts!(head(tf.slice(train.features, 0, n)), tf.slice(train.targets, 0, n));
    if (!Array.isArray(parts) || parts.length === 0 || parts.some((p) => !(p instanceof tf.Tensor) || p.rank !== 0)) {
      throw new InvalidArgumentError('finetune', 'lossParts', 'a non-empty list of scalar tensors', describe(parts));
    }
    return parts.length;
  });
}

/** The training rows of every group: one per class for `label`, or as the function assigns them. */
function groupRows(targets: tf.Tensor, spec: 'label' | ((targets: tf.Tensor) => ArrayLike<number>)): number[][] {
  let ids: ArrayLike<number>;
  if (spec === 'label') {
    ids = tf.tidy(() => (targets.rank === 1 ? targets : tf.argMax(targets, -1)).dataSync());
  } else if (typeof spec === 'function') {
    ids = spec(targets);
  } else {
    throw new InvalidArgumentError('finetune', 'lossGroups', "'label' or a function of the targets", describe(spec));
  }
  if (ids.length !== targets.shape[0]) {
    throw new InvalidArgumentError('finetune', 'lossGroups', `one group per training row (${targets.shape[0]})`, `${ids.length}`);
  }
  const rows: number[][] = [];
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i]!;
    if (!Number.isInteger(g) || g < 0 || g > 4096) {
      throw new InvalidArgumentError('finetune', 'lossGroups', 'integer groups in [0, 4096]', describe(g));
    }
    while (rows.length <= g) rows.push([]);
    rows[g]!.push(i);
  }
  return rows;
}

function isSplit(v: unknown): v is Split {
  return typeof v === 'object' && v !== null && (v as Split).x instanceof tf.Tensor && (v as Split).y instanceof tf.Tensor;
}

/** The metric of the model's outputs on a whole split (outputs computed in chunks; the metric's own time limit, else 10 minutes). */
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
    return await callMetric(metric, outputs, split.y, -1, metric.timeoutMs ?? DEFAULT_METRIC_TIMEOUT_MS);
  } finally {
    outputs.dispose();
  }
}
