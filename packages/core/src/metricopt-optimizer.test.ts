import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MetricOptOptimizer, type ValueGradientSource } from './metricopt-optimizer.js';
import { ParamView } from './param-view.js';

let counter = 0;
function view(values: number[]): ParamView {
  const v = tf.variable(tf.tensor1d(values), true, `mo_test_${counter++}`);
  return new ParamView([{ variable: v, kind: 'custom' }]);
}

/** A value source with a fixed δ-gradient and trust. */
function fixedValue(gradDelta: number[], trust: number): ValueGradientSource {
  return { gradient: () => Float64Array.from(gradDelta), trust };
}

describe('MetricOptOptimizer', () => {
  it('mixes g = g_L − λ·trust·(‖g_L‖/‖g_V‖)·g_V and applies it with plain SGD', () => {
    const params = view([1, 2]);
    const s = params.scales[0]!; // RMS of [1, 2]
    const gvDelta = [0.5, -1];
    const opt = new MetricOptOptimizer({ optimizer: tf.train.sgd(0.1), params, value: fixedValue(gvDelta, 0.5), lambda: 3 });
    // L = 0.5·‖φ‖² → g_L = φ = [1, 2].
    const out = opt.step(() => tf.mul(0.5, tf.sum(tf.square(params.variables[0]!))) as tf.Scalar);
    expect(out.loss).toBeCloseTo(2.5, 6);
    const gL = [1, 2];
    const gV = gvDelta.map((g) => g / s); // ∂V/∂φ = ∂V/∂δ / s
    const nL = Math.hypot(...gL);
    const nV = Math.hypot(...gV);
    const g = gL.map((v, i) => v - ((3 * 0.5 * nL) / nV) * gV[i]!);
    const expected = [1 - 0.1 * g[0]!, 2 - 0.1 * g[1]!];
    const got = params.read();
    expect(got[0]).toBeCloseTo(expected[0]!, 5);
    expect(got[1]).toBeCloseTo(expected[1]!, 5);
    opt.dispose();
  });

  it('ignores V at zero trust and in mode loss; follows −g_V alone in mode value', () => {
    const a = view([1, 2]);
    new MetricOptOptimizer({ optimizer: tf.train.sgd(0.1), params: a, value: fixedValue([1, 1], 0) })
      .step(() => tf.mul(0.5, tf.sum(tf.square(a.variables[0]!))) as tf.Scalar);
    expect(Array.from(a.read())).toEqual([0.9, 1.8].map(Math.fround));
    const b = view([1, 2]);
    new MetricOptOptimizer({ optimizer: tf.train.sgd(0.1), params: b, mode: 'loss', value: fixedValue([1, 1], 1) })
      .step(() => tf.mul(0.5, tf.sum(tf.square(b.variables[0]!))) as tf.Scalar);
    expect(Array.from(b.read())).toEqual([0.9, 1.8].map(Math.fround));
    const c = view([1, 2]);
    const s = c.scales[0]!;
    new MetricOptOptimizer({ optimizer: tf.train.sgd(0.1), params: c, mode: 'value', value: fixedValue([1, -1], 1) })
      .step(() => { throw new Error('mode value needs no loss'); });
    // Ascent on V: φ ← φ + lr·∂V/∂φ.
    expect(c.read()[0]).toBeCloseTo(1 + 0.1 / s, 5);
    expect(c.read()[1]).toBeCloseTo(2 - 0.1 / s, 5);
  });

  it.each([
    ['sgd', () => tf.train.sgd(0.05)],
    ['momentum', () => tf.train.momentum(0.05, 0.9)],
    ['adam', () => tf.train.adam(0.05)],
    ['rmsprop', () => tf.train.rmsprop(0.05)],
  ])('plugs into tf.train.%s: the loss goes down and no tensors leak across steps', (_, make) => {
    const params = view([1, -2, 3]);
    // V = −‖φ‖², so ∂V/∂δ = −2φ·s: V agrees with the loss and the mixed step still descends it.
    const value: ValueGradientSource = {
      gradient: (delta) => Float64Array.from(params.fromDelta(delta), (phi, i) => -2 * phi * params.scales[i]!),
      trust: 1,
    };
    const opt = new MetricOptOptimizer({ optimizer: make(), params, value });
    const lossFn = () => tf.sum(tf.square(params.variables[0]!)) as tf.Scalar;
    const first = opt.step(lossFn).loss;
    const counts: number[] = [];
    let last = first;
    for (let i = 0; i < 30; i++) {
      last = opt.step(lossFn).loss;
      counts.push(tf.memory().numTensors);
    }
    expect(last).toBeLessThan(first);
    expect(counts.every((c) => c === counts[0])).toBe(true);
    opt.dispose();
  });

  it('refuses a missing value source and a bad optimizer, naming the argument', () => {
    const params = view([1]);
    expect(() => new MetricOptOptimizer({ optimizer: tf.train.sgd(0.1), params })).toThrow(/'value' passed to MetricOptOptimizer/);
    expect(() => new MetricOptOptimizer({ optimizer: {} as tf.Optimizer, params, mode: 'loss' })).toThrow(/'optimizer'/);
  });
});
