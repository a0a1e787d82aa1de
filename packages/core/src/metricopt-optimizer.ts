import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors.js';
import type { ParamView } from './param-view.js';

/** Where the ascent direction of the metric comes from: a value function or any estimate in δ coordinates. */
export interface ValueGradientSource {
  gradient(delta: ArrayLike<number>): ArrayLike<number>;
  readonly trust: number;
}

export type MixingMode = 'loss+value' | 'value' | 'loss';

export interface MetricOptOptimizerOptions {
  optimizer: tf.Optimizer;
  params: ParamView;
  value?: ValueGradientSource;
  /** λ: how far the value gradient may outweigh the (norm-matched) loss gradient (default 3). */
  lambda?: number;
  mode?: MixingMode;
}

export interface MixedStep {
  loss: number;
  trust: number;
  /** Seconds spent computing the value gradient. */
  valueSeconds: number;
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

  constructor(opts: MetricOptOptimizerOptions) {
    if (!(opts.optimizer instanceof tf.Optimizer)) {
      throw new InvalidArgumentError('MetricOptOptimizer', 'optimizer', 'a tf.train optimizer', typeof opts.optimizer);
    }
    this.optimizer = opts.optimizer;
    this.params = opts.params;
    this.value = opts.value;
    this.lambda = opts.lambda ?? 3;
    this.mode = opts.mode ?? 'loss+value';
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

  /** One step. `lossFn` must return a scalar computed from the view's variables (it is not needed in mode `value`). */
  step(lossFn: () => tf.Scalar): MixedStep {
    const trust = this.mode === 'loss' ? 0 : this.value!.trust;
    let valueSeconds = 0;
    if (this.mode === 'value') {
      if (trust <= 0) return { loss: NaN, trust, valueSeconds };
      const t0 = performance.now();
      const gV = this.valueGradientPhi()!;
      valueSeconds = (performance.now() - t0) / 1000;
      for (let i = 0; i < gV.length; i++) gV[i] = -gV[i]!;
      this.apply(gV);
      return { loss: NaN, trust, valueSeconds };
    }
    const { value, grads } = tf.variableGrads(lossFn, this.params.variables);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const g = this.params.flatten(grads);
    tf.dispose(grads);
    if (this.mode === 'loss+value' && trust > 0 && this.lambda > 0) {
      const t0 = performance.now();
      const gV = this.valueGradientPhi()!;
      valueSeconds = (performance.now() - t0) / 1000;
      const normL = norm(g);
      const normV = norm(gV);
      const c = (this.lambda * trust * normL) / (normV + 1e-12);
      for (let i = 0; i < g.length; i++) g[i] = g[i]! - c * gV[i]!;
    }
    this.apply(g);
    return { loss, trust, valueSeconds };
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
