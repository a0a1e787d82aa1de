import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors.js';
import type { ParamView } from './param-view.js';

/** Where the ascent direction of the metric comes from: a value function or any estimate in δ coordinates. */
export interface ValueGradientSource {
  gradient(delta: ArrayLike<number>): ArrayLike<number>;
  readonly trust: number;
  /**
   * With mixing `loss-prior`: the weights c_m in V = Σ_m c_m·(−L_m) + residual (one weight: the whole loss; several:
   * the loss's groups, e.g. per class), the residual being what `gradient` returns.
   */
  readonly surrogateWeights?: readonly number[];
}

export type MixingMode = 'loss+value' | 'value' | 'loss';

export interface MetricOptOptimizerOptions {
  optimizer: tf.Optimizer;
  params: ParamView;
  value?: ValueGradientSource;
  /** λ: how far the value gradient may outweigh the (norm-matched) loss gradient (default 3). */
  lambda?: number;
  mode?: MixingMode;
  /**
   * What to do with the part of g_L that V says hurts the metric (a loss step along −g_L that lowers V):
   * `keep` it (default) or `project` it out (g_L − (g_L·ĝ_V)ĝ_V when g_L·g_V > 0, before mixing).
   */
  conflict?: 'keep' | 'project';
  /**
   * `norm-matched` (default): g = g_L − λ·trust·(‖g_L‖/‖g_V‖)·g_V. `loss-prior`: V = Σ c_m·(−L_m) + residual
   * with the c_m fitted on the metric (the value source's surrogateWeights), so −∇V = Σ c_m·∇L_m − ∇residual;
   * the step is g ∝ Σ c_m·∇L_m − λ·trust·∇φ residual, rescaled to ‖g_L‖ (no step while both parts are 0).
   * The first weight multiplies g_L (the whole loss on the batch); `step`'s `groupGradient` gives the others' part.
   */
  mixing?: 'norm-matched' | 'loss-prior';
}

export interface MixedStep {
  loss: number;
  trust: number;
  /** Seconds spent computing the value gradient. */
  valueSeconds: number;
  /** ∇φ L of this step before mixing (null in mode `value`). */
  lossGradient: Float32Array | null;
}

/**
 * Wraps any tf.train optimizer. Each step mixes the loss gradient g_L with the value gradient g_V
 * (both over φ): g = g_L − λ·trust·(‖g_L‖ / (‖g_V‖ + ε))·g_V, then `applyGradients(g)`.
 *
 * ```ts
 * const opt = new MetricOptOptimizer({ optimizer: tf.train.adam(1e-3), params, value: vf });
 * opt.step(() => lossOn(batch));   // { loss: 0.41, trust: 0.8, valueSeconds: 0.002 }
 * ```
 */
export class MetricOptOptimizer {
  readonly optimizer: tf.Optimizer;
  readonly params: ParamView;
  value: ValueGradientSource | undefined;
  readonly lambda: number;
  readonly mode: MixingMode;
  readonly conflict: 'keep' | 'project';
  readonly mixing: 'norm-matched' | 'loss-prior';

  constructor(opts: MetricOptOptimizerOptions) {
    if (!(opts.optimizer instanceof tf.Optimizer)) {
      throw new InvalidArgumentError('MetricOptOptimizer', 'optimizer', 'a tf.train optimizer', typeof opts.optimizer);
    }
    this.optimizer = opts.optimizer;
    this.params = opts.params;
    this.value = opts.value;
    this.lambda = opts.lambda ?? 3;
    this.mode = opts.mode ?? 'loss+value';
    this.conflict = opts.conflict ?? 'keep';
    this.mixing = opts.mixing ?? 'norm-matched';
    if (this.mixing !== 'norm-matched' && this.mixing !== 'loss-prior') {
      throw new InvalidArgumentError('MetricOptOptimizer', 'mixing', "'norm-matched' or 'loss-prior'", String(opts.mixing));
    }
    if (this.conflict !== 'keep' && this.conflict !== 'project') {
      throw new InvalidArgumentError('MetricOptOptimizer', 'conflict', "'keep' or 'project'", String(opts.conflict));
    }
    if (!(this.lambda >= 0)) throw new InvalidArgumentError('MetricOptOptimizer', 'lambda', 'a number >= 0', String(opts.lambda));
    if (this.mode !== 'loss' && this.value === undefined) {
      throw new InvalidArgumentError('MetricOptOptimizer', 'value', `a value gradient source for mode '${this.mode}'`, 'undefined');
    }
  }

  /** The ascent direction of V over φ (∂V/∂φ = ∂V/∂δ / s), or null when V is off or untrusted. */
  private valueGradientPhi(): Float32Array | null {
    if (this.value === undefined) return null;
    return this.params.deltaGradToPhi(this.value.gradient(this.params.delta()));
  }

  /**
   * One step. `lossFn` must return a scalar computed from the view's variables (it is not needed in mode `value`).
   * `groupGradient(weights)`: ∇φ Σ_{m≥1} weights_m·L_m (the surrogates after the whole loss, e.g. the loss of each
   * class, from their latest slopes), for mixing `loss-prior` with several weights; weights[0] multiplies g_L.
   */
  step(lossFn: () => tf.Scalar, groupGradient?: (weights: readonly number[]) => Float32Array | null): MixedStep {
    const trust = this.mode === 'loss' ? 0 : this.value!.trust;
    let valueSeconds = 0;
    if (this.mode === 'value') {
      if (trust <= 0) return { loss: NaN, trust, valueSeconds, lossGradient: null };
      const t0 = performance.now();
      const gV = this.valueGradientPhi()!;
      valueSeconds = (performance.now() - t0) / 1000;
      for (let i = 0; i < gV.length; i++) gV[i] = -gV[i]!;
      this.apply(gV);
      return { loss: NaN, trust, valueSeconds, lossGradient: null };
    }
    const { value, grads } = tf.variableGrads(lossFn, this.params.variables);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const g = this.params.flatten(grads);
    tf.dispose(grads);
    const lossGradient = g.slice();
    if (this.mode === 'loss+value' && this.mixing === 'loss-prior') {
      const t0 = performance.now();
      const weights = this.value!.surrogateWeights ?? [];
      const gV = trust > 0 && this.lambda > 0 ? this.valueGradientPhi()! : null;
      valueSeconds = (performance.now() - t0) / 1000;
      const mixed = new Float32Array(g.length);
      const c0 = weights[0] ?? 0;
      for (let i = 0; i < g.length; i++) mixed[i] = c0 * g[i]!;
      const extra = weights.length > 1 && groupGradient !== undefined ? groupGradient(weights) : null;
      if (extra !== null) for (let i = 0; i < g.length; i++) mixed[i] = mixed[i]! + extra[i]!;
      if (gV) for (let i = 0; i < g.length; i++) mixed[i] = mixed[i]! - this.lambda * trust * gV[i]!;
      const normM = norm(mixed);
      // V flat (the loss does not predict the metric and the residual is untrusted): no direction is believed to help.
      if (!(normM > 0)) return { loss, trust, valueSeconds, lossGradient };
      const k = norm(g) / normM;
      for (let i = 0; i < g.length; i++) g[i] = k * mixed[i]!;
    } else if (this.mode === 'loss+value' && trust > 0 && this.lambda > 0) {
      const t0 = performance.now();
      const gV = this.valueGradientPhi()!;
      valueSeconds = (performance.now() - t0) / 1000;
      let normV = norm(gV);
      if (this.conflict === 'project' && normV > 0) {
        let dot = 0;
        for (let i = 0; i < g.length; i++) dot += g[i]! * gV[i]!;
        // φ moves along −g: a positive g·g_V means the loss step descends V.
        if (dot > 0) for (let i = 0; i < g.length; i++) g[i] = g[i]! - (dot / (normV * normV)) * gV[i]!;
      }
      const normL = norm(g);
      normV = norm(gV);
      const c = (this.lambda * trust * normL) / (normV + 1e-12);
      for (let i = 0; i < g.length; i++) g[i] = g[i]! - c * gV[i]!;
    }
    this.apply(g);
    return { loss, trust, valueSeconds, lossGradient };
  }

  private apply(flat: Float32Array): void {
    const named = this.params.unflatten(flat);
    this.optimizer.applyGradients(named);
    tf.dispose(named);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
