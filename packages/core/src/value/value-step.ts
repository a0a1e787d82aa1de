import { FormatError, InvalidArgumentError, describe } from '../errors.js';
import type { ValueGradientSource } from '../metricopt-optimizer.js';
import type { ParamView } from '../param-view.js';

export interface ValueStepOptions {
  /** Adam step size in δ coordinates at full trust (the es baseline's scale is 0.03 per round). */
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface ValueStepState {
  t: number;
  m: number[];
  v: number[];
}

/**
 * V's own ascent step, separate from the loss optimizer: Adam on ∇δ V in the normalised
 * coordinates (as the es baseline steps), with the step size scaled by trust. The loss keeps
 * its optimizer; the two steps add. Owns no tensors.
 *
 * ```ts
 * const stepper = new ValueStep(params.size, { learningRate: 0.003 });
 * stepper.step(params, valueFunction);   // δ += lr·trust·m̂/(√v̂ + ε); returns seconds spent in V
 * ```
 */
export class ValueStep {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private m: Float64Array;
  private v: Float64Array;

  constructor(
    readonly size: number,
    options: ValueStepOptions,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError('ValueStep', 'size', 'a positive integer', describe(size));
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.learningRate > 0) || !Number.isFinite(this.learningRate)) {
      throw new InvalidArgumentError('ValueStep', 'options.learningRate', 'a positive finite number', describe(options.learningRate));
    }
    for (const k of ['beta1', 'beta2'] as const) {
      if (!(this[k] >= 0 && this[k] < 1)) throw new InvalidArgumentError('ValueStep', `options.${k}`, 'a number in [0, 1)', describe(this[k]));
    }
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** One ascent step of V at the view's current δ (nothing while trust is 0); returns the seconds spent computing ∇V. */
  step(view: ParamView, value: ValueGradientSource): number {
    const trust = value.trust;
    if (!(trust > 0)) return 0;
    const t0 = performance.now();
    const delta = view.delta();
    const g = value.gradient(delta);
    const seconds = (performance.now() - t0) / 1000;
    if (g.length !== this.size) throw new InvalidArgumentError('ValueStep.step', 'value.gradient', `length ${this.size}`, describe(g));
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const lr = this.learningRate * trust;
    for (let i = 0; i < this.size; i++) {
      const gi = g[i]!;
      this.m[i] = this.beta1 * this.m[i]! + (1 - this.beta1) * gi;
      this.v[i] = this.beta2 * this.v[i]! + (1 - this.beta2) * gi * gi;
      delta[i] = delta[i]! + (lr * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + this.epsilon);
    }
    view.setDelta(delta);
    return seconds;
  }

  getState(): ValueStepState {
    return { t: this.t, m: Array.from(this.m), v: Array.from(this.v) };
  }

  setState(state: ValueStepState, source = 'value step state'): void {
    const s = state as Partial<ValueStepState> | null;
    if (typeof s !== 'object' || s === null || !Number.isInteger(s.t) || !Array.isArray(s.m) || !Array.isArray(s.v) ||
      s.m.length !== this.size || s.v.length !== this.size) {
      throw new FormatError(source, `expected {t: integer, m, v: ${this.size} numbers each}`);
    }
    this.t = s.t as number;
    this.m = Float64Array.from(s.m);
    this.v = Float64Array.from(s.v);
  }
}
