import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tfjs-layers registers them all (tf.grad and Adam need them).
import '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import type { ObservationRound } from '../observation.js';
import { canonicalJson } from '../pretrained-cache.js';
import { Rng } from '../rng.js';
import { GlobalValueNet, type MetricIdentity } from './global-value-net.js';
import { kendallTau } from './kendall-tau.js';
import { orderedPairs, rankingBatch, rankingLossSum, rmsOrOne } from './ranking-loss.js';
import { SetEncoder } from './set-encoder.js';
import type { Trajectory } from './trajectory-store.js';
import type { Activation } from './value-encoder.js';

export interface MetaTrainOptions {
  /** The set encoder's token MLP widths (default [16, 16]) and head hidden widths (default [32]). */
  tokenHidden?: number[];
  headHidden?: number[];
  activation?: Activation;
  /** Seeds the initial weights and the minibatches (default 0). */
  seed?: number;
  /** Adam steps (default 400), learning rate (default 3e-3), rounds per minibatch (default 32). */
  steps?: number;
  learningRate?: number;
  batchRounds?: number;
  /** Called every step with the minibatch's ranking loss. */
  onStep?: (step: number, loss: number) => void;
}

export interface MetaTrainResult {
  /** The trained net (set encoder), in score units, on the first trajectory's layout; loads for any FiLM layout. */
  net: GlobalValueNet;
  runs: number;
  rounds: number;
  /** Ordered within-round pairs the ranking loss saw. */
  pairs: number;
  /** Distinct parameter layouts (architectures) among the runs. */
  layouts: number;
  /** The ranking loss of the last step (NaN when no step ran). */
  loss: number;
  calibration: number;
  inputScale: number;
  /** Mean within-round Kendall τ of the trained net on the training rounds, overall and per task (in sample). */
  tau: number | null;
  perTask: Record<string, { runs: number; rounds: number; tau: number | null }>;
}

/**
 * Meta-training (METHOD.md §6): trains one `set`-encoder GlobalValueNet on the rounds of many
 * runs — several tasks, datasets and architectures — with the within-round pairwise ranking loss,
 * then calibrates it by least squares on all of them. Runs of different layouts share the
 * encoder's weights (SetEncoder.withLayout), so every architecture trains the same net. Every run
 * must have observed the same metric (name and direction) and have FiLM adapters.
 *
 * ```ts
 * const trajectories = await Promise.all(files.map(readTrajectory));
 * const { net, tau } = metaTrainValueNet(trajectories, { seed: 1, steps: 400 });
 * await net.save('meta/');   // then loadValueFunction('meta/', { layout, metric }) on a new task
 * ```
 */
export function metaTrainValueNet(trajectories: readonly Trajectory[], options: MetaTrainOptions = {}): MetaTrainResult {
  const fn = 'metaTrainValueNet';
  if (!Array.isArray(trajectories) || trajectories.length === 0) {
    throw new InvalidArgumentError(fn, 'trajectories', 'a non-empty array of trajectories', describe(trajectories));
  }
  const metric = sharedMetric(trajectories);
  const steps = integer(fn, 'options.steps', options.steps ?? 400, 0);
  const batchRounds = integer(fn, 'options.batchRounds', options.batchRounds ?? 32, 1);
  const learningRate = options.learningRate ?? 3e-3;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new InvalidArgumentError(fn, 'options.learningRate', 'a positive number', describe(learningRate));
  const rng = new Rng(options.seed ?? 0);

  // One encoder view per distinct layout, all sharing the first one's weights.
  const byLayout = new Map<string, number>();
  const views: SetEncoder[] = [];
  const items: { round: ObservationRound; view: number; task: string }[] = [];
  let master: SetEncoder | null = null;
  try {
    trajectories.forEach((t, i) => {
      const key = canonicalJson(t.header.layout);
      let view = byLayout.get(key);
      if (view === undefined) {
        try {
          if (master === null) {
            master = new SetEncoder({
              layout: t.header.layout,
              rng: rng.fork(),
              ...(options.tokenHidden ? { tokenHidden: options.tokenHidden } : {}),
              ...(options.headHidden ? { headHidden: options.headHidden } : {}),
              ...(options.activation ? { activation: options.activation } : {}),
            });
            views.push(master);
          } else {
            views.push(master.withLayout(t.header.layout));
          }
        } catch (err) {
          if (err instanceof InvalidArgumentError) {
            throw new InvalidArgumentError(fn, `trajectories[${i}].header.layout`, `${err.expected} (run '${t.header.run}')`, err.got);
          }
          throw err;
        }
        view = views.length - 1;
        byLayout.set(key, view);
      }
      for (const round of t.rounds) items.push({ round, view, task: t.header.task });
    });
    const inputScale = rmsOrOne(items.map((it) => it.round));
    const ranked = items.filter((it) => orderedPairs(it.round.scores) > 0);
    const pairs = ranked.reduce((s, it) => s + orderedPairs(it.round.scores), 0);
    const raw = (view: number, points: Float32Array[]): Float64Array => predictRaw(views[view]!, points, inputScale);

    let loss = Number.NaN;
    if (pairs > 0 && steps > 0) {
      const optimizer = tf.train.adam(learningRate);
      try {
        for (let s = 0; s < steps; s++) {
          const order = rng.permutation(ranked.length).subarray(0, batchRounds);
          const batch = Array.from(order, (i) => ranked[i]!);
          const tensors = groupBatches(batch, views, inputScale);
          try {
            const cost = optimizer.minimize(() => {
              const terms = tensors.map(({ view, x, mask }) => rankingLossSum(views[view]!.apply(x), mask));
              const total = terms.length === 1 ? terms[0]! : tf.addN(terms);
              return tf.div(total, tensors.reduce((n, t) => n + t.pairs, 0)) as tf.Scalar;
            }, true, master!.variables as tf.Variable[]);
            loss = cost!.dataSync()[0]!;
            cost!.dispose();
          } finally {
            tf.dispose(tensors.flatMap((t) => [t.x, t.mask]));
          }
          options.onStep?.(s + 1, loss);
        }
      } finally {
        optimizer.dispose();
      }
    }

    // Least-squares calibration over every run: calibration · (V(a) − V(centre)) ≈ observed difference.
    let num = 0;
    let den = 0;
    const taus: number[] = [];
    const perTask: MetaTrainResult['perTask'] = {};
    const tauByTask = new Map<string, number[]>();
    for (const it of items) {
      const v = raw(it.view, it.round.deltas);
      for (let i = 1; i < v.length; i++) {
        const dv = v[i]! - v[0]!;
        num += dv * (it.round.scores[i]! - it.round.scores[0]!);
        den += dv * dv;
      }
      if (orderedPairs(it.round.scores) > 0) {
        const tau = kendallTau(v, it.round.scores);
        taus.push(tau);
        tauByTask.set(it.task, [...(tauByTask.get(it.task) ?? []), tau]);
      }
    }
    for (const t of trajectories) {
      const entry = (perTask[t.header.task] ??= { runs: 0, rounds: 0, tau: null });
      entry.runs++;
      entry.rounds += t.rounds.length;
    }
    for (const [task, list] of tauByTask) perTask[task]!.tau = mean(list);
    const calibration = den > 0 ? num / den : 0;
    const net = new GlobalValueNet({ encoder: master!, metric, inputScale, calibration, rng: rng.fork(), learningRate, batchRounds });
    master = null;
    return {
      net,
      runs: trajectories.length,
      rounds: items.length,
      pairs,
      layouts: views.length,
      loss,
      calibration,
      inputScale,
      tau: taus.length > 0 ? mean(taus) : null,
      perTask,
    };
  } finally {
    // Only on failure: on success the net owns the master encoder.
    (master as SetEncoder | null)?.dispose();
  }
}

function sharedMetric(trajectories: readonly Trajectory[]): MetricIdentity {
  const first = trajectories[0]!.header.metric;
  trajectories.forEach((t, i) => {
    const m = t.header?.metric;
    if (m?.name !== first.name || m.higherIsBetter !== first.higherIsBetter) {
      throw new InvalidArgumentError('metaTrainValueNet', `trajectories[${i}].header.metric`,
        `the metric of the other runs, '${first.name}' (${first.higherIsBetter ? 'higher' : 'lower'} is better): one net learns one metric`,
        `'${m?.name}' (${m?.higherIsBetter ? 'higher' : 'lower'} is better) in run '${t.header?.run}'`);
    }
  });
  return { name: first.name, higherIsBetter: first.higherIsBetter };
}

/** Per layout view in the minibatch: its rounds' `rankingBatch` (rounds padded to the view's widest). */
function groupBatches(batch: { round: ObservationRound; view: number }[], views: SetEncoder[], inputScale: number) {
  const out: { view: number; x: tf.Tensor2D; mask: tf.Tensor3D; pairs: number }[] = [];
  for (let view = 0; view < views.length; view++) {
    const rounds = batch.filter((b) => b.view === view).map((b) => b.round);
    if (rounds.length === 0) continue;
    const width = Math.max(...rounds.map((r) => r.deltas.length));
    out.push({ view, ...rankingBatch(rounds, width, views[view]!.inputSize, inputScale) });
  }
  return out;
}

function predictRaw(encoder: SetEncoder, points: Float32Array[], inputScale: number): Float64Array {
  const d = encoder.inputSize;
  const flat = new Float32Array(points.length * d);
  points.forEach((p, i) => {
    for (let k = 0; k < d; k++) flat[i * d + k] = p[k]! / inputScale;
  });
  return Float64Array.from(tf.tidy(() => encoder.apply(tf.tensor2d(flat, [points.length, d])).dataSync()));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function integer(fn: string, arg: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError(fn, arg, `an integer ≥ ${min}`, describe(v));
  return v;
}
