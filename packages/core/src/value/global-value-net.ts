import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; tfjs-layers registers them all (tf.grad and Adam need them).
import '@tensorflow/tfjs-layers';
import { FormatError, InvalidArgumentError, describe } from '../errors.js';
import type { ObservationRound } from '../observation.js';
import type { ParamLayout } from '../param-view.js';
import { Rng, type RngState } from '../rng.js';
import { encoderFromConfig } from './encoder-registry.js';
import type { ValuePrior } from './local-gp.js';
import { orderedPairs, rankingBatch, rankingLossSum, rmsOrOne } from './ranking-loss.js';
import { filmGroups } from './set-encoder.js';
import { checkLayout, type EncoderConfig, type EncoderWeights, type ValueEncoder } from './value-encoder.js';
import { VALUE_NET_FORMAT, VALUE_NET_FORMAT_VERSION, readValueNet, writeValueNet } from './value-net-artifacts.js';

export interface MetricIdentity {
  name: string;
  higherIsBetter: boolean;
}

export interface GlobalValueNetOptions {
  encoder: ValueEncoder;
  /** The metric the net was trained for; checked when a saved net is loaded. */
  metric?: MetricIdentity | null;
  /** Draws the minibatches of rounds (default `new Rng(0)`). */
  rng?: Rng;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Adam steps per `train` call (default 200). */
  steps?: number;
  /** Rounds per minibatch (default 32). */
  batchRounds?: number;
  /** δ is divided by this before the encoder; by default the first `train` sets it to the RMS of the training δ. */
  inputScale?: number | null;
  /** Score units per unit of raw V (default 0: an untrained net predicts 0). */
  calibration?: number;
}

export interface GlobalValueNetTrainResult {
  steps: number;
  /** Ordered within-round pairs (score_i > score_j) in the training rounds. */
  pairs: number;
  /** The ranking loss of the last step (NaN when no step ran). */
  loss: number;
  calibration: number;
}

/** What `getState` saves: enough to continue online training exactly. */
export interface GlobalValueNetState {
  calibration: number;
  inputScale: number | null;
  weights: Record<string, number[]>;
  rng: RngState;
}

const CHUNK = 256;

/**
 * V_global: a learned network over δ, trained with a within-round pairwise ranking loss
 * (softplus(−(V_i − V_j)) for every pair of one round with score_i > score_j), then calibrated
 * by least squares so that `calibration · (V(a) − V(c))` fits the observed differences: it
 * predicts in score units and can serve as the local GP's prior mean.
 *
 * ```ts
 * const net = new GlobalValueNet({ encoder: new SetEncoder({ layout: params.layout, rng: new Rng(1) }),
 *   metric: { name: 'balanced-error', higherIsBetter: false }, rng: new Rng(2) });
 * net.train(rounds);            // {steps: 200, pairs, loss, calibration}
 * await net.save('vnet/');      // model.json + weights.bin (tfjs) + metadata.json
 * const again = await GlobalValueNet.load('vnet/', { layout: other.layout, metric });
 * ```
 */
export class GlobalValueNet implements ValuePrior {
  readonly encoder: ValueEncoder;
  readonly metric: MetricIdentity | null;
  readonly learningRate: number;
  readonly steps: number;
  readonly batchRounds: number;
  private rng: Rng;
  private scale: number | null;
  private cal: number;

  constructor(options: GlobalValueNetOptions) {
    const e = options?.encoder;
    if (typeof e !== 'object' || e === null || typeof e.apply !== 'function' || !Array.isArray(e.variables)) {
      throw new InvalidArgumentError('GlobalValueNet', 'options.encoder', 'a ValueEncoder (MlpEncoder, SetEncoder, …)', describe(e));
    }
    this.encoder = e;
    const metric = options.metric ?? null;
    if (metric !== null && (typeof metric.name !== 'string' || typeof metric.higherIsBetter !== 'boolean')) {
      throw new InvalidArgumentError('GlobalValueNet', 'options.metric', '{name: string, higherIsBetter: boolean} or null', JSON.stringify(metric));
    }
    this.metric = metric === null ? null : { name: metric.name, higherIsBetter: metric.higherIsBetter };
    this.rng = options.rng ?? new Rng(0);
    this.learningRate = positive('options.learningRate', options.learningRate ?? 1e-3);
    this.steps = count('options.steps', options.steps ?? 200, 0);
    this.batchRounds = count('options.batchRounds', options.batchRounds ?? 32, 1);
    const scale = options.inputScale ?? null;
    this.scale = scale === null ? null : positive('options.inputScale', scale);
    const cal = options.calibration ?? 0;
    if (typeof cal !== 'number' || !Number.isFinite(cal)) throw new InvalidArgumentError('GlobalValueNet', 'options.calibration', 'a finite number', describe(cal));
    this.cal = cal;
  }

  get layout(): ParamLayout {
    return this.encoder.layout;
  }

  get calibration(): number {
    return this.cal;
  }

  /** δ is divided by this before the encoder (null until the first training). */
  get inputScale(): number | null {
    return this.scale;
  }

  /** V at each point, in score units (calibration · raw value). */
  predict(points: Float32Array[]): Float64Array {
    const raw = this.predictRaw(points);
    for (let i = 0; i < raw.length; i++) raw[i] = raw[i]! * this.cal;
    return raw;
  }

  /** The encoder's raw value at each point (what the ranking loss trains). */
  predictRaw(points: Float32Array[]): Float64Array {
    this.checkPoints('GlobalValueNet.predict', points);
    const out = new Float64Array(points.length);
    for (let start = 0; start < points.length; start += CHUNK) {
      const chunk = points.slice(start, start + CHUNK);
      const values = tf.tidy(() => this.encoder.apply(this.normalised(this.stack(chunk))).dataSync());
      out.set(values, start);
    }
    return out;
  }

  /** ∇δ V at one point, in score units (tf.grad through the encoder). */
  gradient(delta: ArrayLike<number>): Float64Array {
    const d = this.encoder.inputSize;
    if (delta === null || typeof delta !== 'object' || delta.length !== d) {
      throw new InvalidArgumentError('GlobalValueNet.gradient', 'delta', `a flat vector of length ${d}`, describe(delta));
    }
    const g = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(delta), [1, d]);
      return tf.grad((z: tf.Tensor) => tf.sum(this.encoder.apply(this.normalised(z as tf.Tensor2D))))(x).dataSync();
    });
    return Float64Array.from(g, (v) => v * this.cal);
  }

  /** Adam on the within-round ranking loss over `rounds` (minibatches of rounds), then `calibrate(rounds)`. */
  train(rounds: readonly ObservationRound[], options: { steps?: number } = {}): GlobalValueNetTrainResult {
    this.checkRounds('GlobalValueNet.train', rounds);
    const steps = count('options.steps', options.steps ?? this.steps, 0);
    if (this.scale === null) this.scale = rmsOrOne(rounds);
    const ranked = rounds
      .map((r) => ({ round: r, pairs: orderedPairs(r.scores) }))
      .filter((r) => r.pairs > 0);
    const pairs = ranked.reduce((s, r) => s + r.pairs, 0);
    let loss = Number.NaN;
    if (pairs > 0 && steps > 0) {
      const optimizer = tf.train.adam(this.learningRate);
      const width = Math.max(...ranked.map((r) => r.round.deltas.length));
      const whole = ranked.length <= this.batchRounds;
      // With every round in one batch, the batch tensors are built once.
      let fixed = whole ? this.batch(ranked.map((r) => r.round), width) : null;
      try {
        for (let s = 0; s < steps; s++) {
          let batch = fixed;
          if (batch === null) {
            const order = this.rng.permutation(ranked.length).subarray(0, this.batchRounds);
            batch = this.batch(Array.from(order, (i) => ranked[i]!.round), width);
          }
          try {
            const { x, mask, weight } = batch;
            const cost = optimizer.minimize(() => {
              return tf.mul(rankingLossSum(this.encoder.apply(this.normalised(x)), mask), weight) as tf.Scalar;
            }, s === steps - 1, this.encoder.variables as tf.Variable[]);
            if (cost) {
              loss = cost.dataSync()[0]!;
              cost.dispose();
            }
          } finally {
            if (batch !== fixed) tf.dispose([batch.x, batch.mask]);
          }
        }
      } finally {
        if (fixed !== null) tf.dispose([fixed.x, fixed.mask]);
        fixed = null;
        optimizer.dispose();
      }
    }
    const calibration = this.calibrate(rounds);
    return { steps: pairs > 0 ? steps : 0, pairs, loss, calibration };
  }

  /** Sets and returns the least-squares scale of `scale · (V(a) − V(c))` against the observed within-round differences. */
  calibrate(rounds: readonly ObservationRound[]): number {
    this.checkRounds('GlobalValueNet.calibrate', rounds);
    const raw = this.predictRaw(rounds.flatMap((r) => r.deltas));
    let num = 0;
    let den = 0;
    let at = 0;
    for (const r of rounds) {
      for (let i = 1; i < r.deltas.length; i++) {
        const dv = raw[at + i]! - raw[at]!;
        num += dv * (r.scores[i]! - r.scores[0]!);
        den += dv * dv;
      }
      at += r.deltas.length;
    }
    this.cal = den > 0 ? num / den : 0;
    return this.cal;
  }

  getState(): GlobalValueNetState {
    const weights: Record<string, number[]> = {};
    this.encoder.weightNames.forEach((name, i) => {
      weights[name] = Array.from(this.encoder.variables[i]!.dataSync());
    });
    return { calibration: this.cal, inputScale: this.scale, weights, rng: this.rng.getState() };
  }

  setState(state: GlobalValueNetState, source = 'global value net state'): void {
    const s = state as Partial<GlobalValueNetState> | null;
    if (typeof s !== 'object' || s === null || typeof s.calibration !== 'number' || typeof s.weights !== 'object' || s.weights === null || s.rng === undefined) {
      throw new FormatError(source, 'expected {calibration, inputScale, weights, rng}');
    }
    if (s.inputScale !== null && !(typeof s.inputScale === 'number' && s.inputScale > 0)) throw new FormatError(source, 'inputScale must be null or positive');
    const values = this.encoder.weightNames.map((name, i) => {
      const w = s.weights![name];
      const size = this.encoder.variables[i]!.size;
      if (!Array.isArray(w) || w.length !== size) throw new FormatError(source, `weight '${name}' must hold ${size} numbers, got ${describe(w)}`);
      return Float32Array.from(w);
    });
    this.encoder.variables.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i]!, v.shape, 'float32'))));
    this.cal = s.calibration;
    this.scale = s.inputScale ?? null;
    this.rng.setState(s.rng);
  }

  /** Writes tfjs artifacts (model.json with a weightsManifest, weights.bin) and metadata.json into `dir`, each file atomically. */
  async save(dir: string): Promise<void> {
    if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('GlobalValueNet.save', 'dir', 'a directory path', describe(dir));
    await writeValueNet(dir, this.encoder, {
      format: VALUE_NET_FORMAT,
      formatVersion: VALUE_NET_FORMAT_VERSION,
      encoder: this.encoder.getConfig(),
      layout: this.encoder.layout,
      metric: this.metric,
      calibration: this.cal,
      normalisation: { inputScale: this.scale },
    });
  }

  /**
   * Loads a saved net, refusing one that does not fit: a different metric (name or direction),
   * or a layout it cannot read (`mlp`: the same size and segments — kind, offset, size, shape;
   * `set`: any layout with FiLM segments, which the loaded encoder then reads).
   */
  static async load(
    dir: string,
    expect: { layout?: ParamLayout; metric?: MetricIdentity } = {},
    options: Omit<GlobalValueNetOptions, 'encoder' | 'metric' | 'inputScale' | 'calibration'> = {},
  ): Promise<GlobalValueNet> {
    if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('GlobalValueNet.load', 'dir', 'a directory path', describe(dir));
    const { metadata, weights } = await readValueNet(dir);
    const saved = metadata.metric;
    if (expect.metric !== undefined && (saved === null || saved.name !== expect.metric.name || saved.higherIsBetter !== expect.metric.higherIsBetter)) {
      throw new InvalidArgumentError('GlobalValueNet.load', 'expect.metric', `the saved net's metric ${metricText(saved)}`, metricText(expect.metric));
    }
    let layout = metadata.layout;
    if (expect.layout !== undefined) {
      checkLayout('GlobalValueNet.load', 'expect.layout', expect.layout);
      if (metadata.encoder.kind === 'mlp') {
        const diff = layoutDifference(metadata.layout, expect.layout);
        if (diff !== null) throw new InvalidArgumentError('GlobalValueNet.load', 'expect.layout', `the saved mlp net's layout (${diff.saved})`, diff.got);
      } else {
        filmGroups('GlobalValueNet.load', 'expect.layout', expect.layout);
      }
      layout = expect.layout;
    }
    const encoder = buildEncoder(dir, metadata, layout, weights);
    return new GlobalValueNet({ ...options, encoder, metric: saved, inputScale: metadata.normalisation.inputScale, calibration: metadata.calibration });
  }

  dispose(): void {
    this.encoder.dispose();
  }

  private normalised(x: tf.Tensor2D): tf.Tensor2D {
    return this.scale === null || this.scale === 1 ? x : tf.div(x, this.scale);
  }

  private stack(points: Float32Array[]): tf.Tensor2D {
    const d = this.encoder.inputSize;
    const flat = new Float32Array(points.length * d);
    points.forEach((p, i) => flat.set(p, i * d));
    return tf.tensor2d(flat, [points.length, d]);
  }

  /** The batch tensors: points [B·width, D] (rounds padded to `width`), mask [B, width, width] of ordered pairs, 1 / pair count. */
  private batch(rounds: ObservationRound[], width: number): { x: tf.Tensor2D; mask: tf.Tensor3D; weight: number } {
    // Raw points: the input scale is applied in the graph (`normalised`), as in `predict`.
    const { x, mask, pairs } = rankingBatch(rounds, width, this.encoder.inputSize, 1);
    return { x, mask, weight: 1 / pairs };
  }

  private checkPoints(fn: string, points: Float32Array[]): void {
    if (!Array.isArray(points)) throw new InvalidArgumentError(fn, 'points', 'an array of Float32Arrays', describe(points));
    const d = this.encoder.inputSize;
    points.forEach((p, i) => {
      if (!(p instanceof Float32Array) || p.length !== d) throw new InvalidArgumentError(fn, `points[${i}]`, `a Float32Array of length ${d}`, describe(p));
    });
  }

  private checkRounds(fn: string, rounds: readonly ObservationRound[]): void {
    if (!Array.isArray(rounds)) throw new InvalidArgumentError(fn, 'rounds', 'an array of observation rounds', describe(rounds));
    rounds.forEach((r, k) => {
      if (!r || !Array.isArray(r.deltas) || !Array.isArray(r.scores) || r.deltas.length !== r.scores.length || !r.scores.every(Number.isFinite)) {
        throw new InvalidArgumentError(fn, `rounds[${k}]`, 'a round with one finite score per delta', describe(r?.deltas));
      }
      this.checkPoints(fn, r.deltas);
    });
  }
}

function buildEncoder(dir: string, metadata: { encoder: EncoderConfig }, layout: ParamLayout, weights: EncoderWeights): ValueEncoder {
  let encoder: ValueEncoder;
  try {
    encoder = encoderFromConfig(metadata.encoder, layout, weights);
  } catch (err) {
    if (err instanceof FormatError) throw new FormatError(dir, err.message, { cause: err });
    throw new FormatError(`${dir}/metadata.json`, `encoder config is invalid: ${(err as Error).message}`, { cause: err });
  }
  const extra = Object.keys(weights).filter((name) => !encoder.weightNames.includes(name));
  if (extra.length > 0) {
    encoder.dispose();
    throw new FormatError(`${dir}/model.json`, `weights ${extra.map((n) => `'${n}'`).join(', ')} do not belong to a ${metadata.encoder.kind} encoder of this config`);
  }
  return encoder;
}

function layoutDifference(saved: ParamLayout, got: ParamLayout): { saved: string; got: string } | null {
  if (typeof got !== 'object' || got === null || !Array.isArray(got.segments)) return { saved: `size ${saved.size}`, got: describe(got) };
  if (saved.size !== got.size) return { saved: `size ${saved.size}`, got: `size ${got.size}` };
  if (saved.segments.length !== got.segments.length) {
    return { saved: `${saved.segments.length} segments`, got: `${got.segments.length} segments` };
  }
  const text = (s: ParamLayout['segments'][number]) => `${s.kind} at ${s.offset}, size ${s.size}, shape [${s.shape.join(', ')}]`;
  for (let i = 0; i < saved.segments.length; i++) {
    const a = saved.segments[i]!;
    const b = got.segments[i]!;
    if (a.kind !== b.kind || a.offset !== b.offset || a.size !== b.size || a.shape.join() !== b.shape?.join()) {
      return { saved: `segment ${i}: ${text(a)}`, got: `segment ${i}: ${text(b)}` };
    }
  }
  return null;
}

function metricText(m: MetricIdentity | null): string {
  return m === null ? 'none (saved without a metric)' : `'${m.name}' (${m.higherIsBetter ? 'higher' : 'lower'} is better)`;
}

function positive(arg: string, v: number): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new InvalidArgumentError('GlobalValueNet', arg, 'a positive finite number', describe(v));
  return v;
}

function count(arg: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError('GlobalValueNet', arg, `an integer ≥ ${min}`, describe(v));
  return v;
}
