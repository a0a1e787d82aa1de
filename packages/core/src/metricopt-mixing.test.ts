import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MetricOptOptimizer, type ValueGradientSource } from './metricopt-optimizer.js';
import { observeRound, orthonormalBasis, type MetricProbe } from './observation-round.js';
import { defineMetric } from './metric.js';
import { ParamView } from './param-view.js';
import { Rng } from './rng.js';
import { ValueStep } from './value/value-step.js';

let id = 0;
/** φ = [a (2 values, RMS 2), b (2 zeros)]; the loss ½‖φ − t‖² has gradient φ − t. */
function setup() {
  const a = tf.variable(tf.tensor1d([2, -2]), true, `mix_a_${id++}`);
  const b = tf.variable(tf.zeros([2]), true, `mix_b_${id++}`);
  const view = new ParamView([{ variable: a, kind: 'custom' }, { variable: b, kind: 'custom' }]);
  const t = tf.tensor1d([1, 0, 3, -1]);
  const loss = () => tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.concat([a, b]), t)))) as tf.Scalar;
  const dispose = () => tf.dispose([a, b, t]);
  return { view, loss, dispose };
}

/** A plain SGD step with rate 1 moves φ by −g, so φ before − φ after is the applied gradient. */
function appliedGradient(view: ParamView, step: () => void): number[] {
  const before = view.read();
  step();
  const after = view.read();
  return Array.from(before, (v, i) => v - after[i]!);
}

const source = (g: number[], trust: number, weights?: number[]): ValueGradientSource => ({
  gradient: () => Float64Array.from(g),
  trust,
  ...(weights ? { surrogateWeights: weights } : {}),
});

describe('MetricOptOptimizer mixing rules', () => {
  it("loss-prior: g ∝ c·g_L − λ·trust·∇φ residual, rescaled to ‖g_L‖", () => {
    const { view, loss, dispose } = setup();
    const gL = [1, -2, -3, 1]; // φ − t at φ₀
    const vDelta = [0, 0, 1, 0];
    const vPhi = vDelta.map((v, i) => v / view.scales[i]!);
    const opt = new MetricOptOptimizer({ optimizer: tf.train.sgd(1), params: view, lambda: 2, mixing: 'loss-prior', value: source(vDelta, 0.5, [3]) });
    const g = appliedGradient(view, () => opt.step(loss));
    const mixed = gL.map((v, i) => 3 * v - 2 * 0.5 * vPhi[i]!);
    const k = Math.hypot(...gL) / Math.hypot(...mixed);
    g.forEach((v, i) => expect(v).toBeCloseTo(k * mixed[i]!, 4));
    opt.dispose();
    dispose();
  });

  it('loss-prior takes no step while the loss weight and trust are both 0, and adds the groups’ gradient', () => {
    const { view, loss, dispose } = setup();
    const idle = new MetricOptOptimizer({ optimizer: tf.train.sgd(1), params: view, mixing: 'loss-prior', value: source([1, 1, 1, 1], 0, [0]) });
    expect(appliedGradient(view, () => idle.step(loss))).toEqual([0, 0, 0, 0]);
    const grouped = new MetricOptOptimizer({ optimizer: tf.train.sgd(1), params: view, mixing: 'loss-prior', value: source([0, 0, 0, 0], 0, [1, 2]) });
    const extra = Float32Array.from([0, 0, 0, 5]);
    const g = appliedGradient(view, () => grouped.step(loss, (w) => extra.map((v) => v * w[1]!)));
    const gL = [1, -2, -3, 1];
    const mixed = gL.map((v, i) => v + 2 * extra[i]!);
    const k = Math.hypot(...gL) / Math.hypot(...mixed);
    g.forEach((v, i) => expect(v).toBeCloseTo(k * mixed[i]!, 4));
    idle.dispose();
    dispose();
  });

  it("conflict 'project' removes the part of g_L along g_V when the loss step would descend V", () => {
    const { view, loss, dispose } = setup();
    const vDelta = [1, 0, 0, 0];
    const opt = new MetricOptOptimizer({ optimizer: tf.train.sgd(1), params: view, lambda: 0, conflict: 'project', value: source(vDelta, 1) });
    // λ = 0 applies g_L unmixed: projection only happens inside mixing, so the step is plain g_L here.
    expect(appliedGradient(view, () => opt.step(loss)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1, -2, -3, 1]);
    view.write(view.phi0);
    const mixed = new MetricOptOptimizer({ optimizer: tf.train.sgd(1), params: view, lambda: 1, conflict: 'project', value: source(vDelta, 1) });
    const g = appliedGradient(view, () => mixed.step(loss));
    // g_L·g_V > 0 (first coordinate 1 · 1/s): the first coordinate of g_L is removed, then λ‖g_L'‖·ĝ_V is subtracted.
    const rest = Math.hypot(-2, -3, 1);
    [-rest, -2, -3, 1].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 4));
    expect(() => new MetricOptOptimizer({ optimizer: tf.train.sgd(1), params: view, conflict: 'drop' as never, value: source(vDelta, 1) })).toThrow(/conflict/);
    opt.dispose();
    dispose();
  });
});

describe('ValueStep', () => {
  it('takes Adam steps in δ along ∇V scaled by trust, none at trust 0, and resumes from its state', () => {
    const { view, dispose } = setup();
    const step = new ValueStep(view.size, { learningRate: 0.1 });
    expect(step.step(view, source([1, -1, 2, 0], 0))).toBe(0);
    expect(Array.from(view.delta())).toEqual([0, 0, 0, 0]);
    step.step(view, source([1, -1, 2, 0], 0.5));
    // Adam's first step is lr·sign(g) per coordinate (0 where g is 0).
    [0.05, -0.05, 0.05, 0].forEach((v, i) => expect(view.delta()[i]).toBeCloseTo(v, 5));
    const copy = new ValueStep(view.size, { learningRate: 0.1 });
    copy.setState(JSON.parse(JSON.stringify(step.getState())));
    const at = view.read();
    step.step(view, source([0.5, 1, 2, 1], 1));
    const next = view.read();
    view.write(at);
    copy.step(view, source([0.5, 1, 2, 1], 1));
    Array.from(view.read()).forEach((v, i) => expect(v).toBeCloseTo(next[i]!, 6));
    expect(() => new ValueStep(4, { learningRate: 0 })).toThrow(/learningRate/);
    expect(() => copy.setState({ t: 1, m: [], v: [] })).toThrow(/expected/);
    dispose();
  });
});

describe('guided observation rounds', () => {
  it('orthonormalises the directions, dropping zero and dependent ones', () => {
    const basis = orthonormalBasis([[1, 1, 0], [0, 0, 0], [2, 2, 0], [1, 0, 0], [1, 2]], 3);
    expect(basis).toHaveLength(2);
    basis.forEach((u, i) => basis.forEach((v, j) => expect(u.reduce((s, x, k) => s + x * v[k]!, 0)).toBeCloseTo(i === j ? 1 : 0, 10)));
  });

  it('puts share α of every perturbation in the guide span and keeps E‖ε‖² = d', async () => {
    const { view, dispose } = setup();
    const metric = defineMetric({ name: 'zero', higherIsBetter: true, evaluate: () => 0 });
    const probe: MetricProbe = { metric, head: (f) => tf.clone(f), seconds: 0, calls: 0 };
    const x = tf.zeros([2, 2]);
    const u = [0, 0, 1, 0];
    const all = await observeRound(view, probe, x, x, new Rng(1), {
      round: 0, step: 0, perturbations: 200, sigma: 1, wholeSplit: true, guide: { directions: [u], share: 1 },
    });
    const eps = all.deltas.slice(1, 201);
    eps.forEach((e) => [0, 1, 3].forEach((i) => expect(e[i]).toBeCloseTo(0, 6)));
    const meanSq = eps.reduce((s, e) => s + e.reduce((a, v) => a + v * v, 0), 0) / eps.length;
    expect(meanSq).toBeGreaterThan(0.8 * 4);
    expect(meanSq).toBeLessThan(1.2 * 4);
    const half = await observeRound(view, probe, x, x, new Rng(2), {
      round: 1, step: 0, perturbations: 400, sigma: 1, wholeSplit: true, guide: { directions: [u], share: 0.5 },
    });
    const along = half.deltas.slice(1, 401).reduce((s, e) => s + e[2]! ** 2, 0) / 400;
    // α·d in the span (2), (1 − α) per isotropic coordinate (0.5) on top: 2.5.
    expect(along).toBeGreaterThan(2.5 * 0.8);
    expect(along).toBeLessThan(2.5 * 1.2);
    tf.dispose(x);
    dispose();
  });
});
