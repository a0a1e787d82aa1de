import * as tf from '@tensorflow/tfjs-core';
import { Rng, combineViews, defineMetric, filmAdapters, headParams, type FinetuneOptions, type ObservationRound, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';

// The tiny finetune problem whose checkpoints and value-function states are fuzzed: an MLP on three
// Gaussian classes, φ = head + FiLM of its hidden layer (a layout with FiLM segments, so both value-net
// encoders fit it).
function gaussians(n: number, seed: number): Split {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.int(3);
    y.push(c);
    for (let d = 0; d < 4; d++) x.push(rng.normal() + (d === c ? 1.5 : 0));
  }
  return { x: tf.tensor2d(x, [n, 4]), y: tf.tensor1d(y, 'int32') };
}

export const stateMetric = defineMetric({
  name: 'error-rate',
  higherIsBetter: false,
  evaluate: (out, t) => {
    const p = tf.tidy(() => tf.argMax(out, 1).dataSync());
    const l = t.dataSync();
    let wrong = 0;
    for (let i = 0; i < l.length; i++) if (p[i] !== l[i]) wrong++;
    return wrong / l.length;
  },
});

/** Model, φ and options (20 steps, a round every 5, 2 perturbation pairs); the caller adds the checkpoint. */
export function stateProblem(): Omit<FinetuneOptions, 'checkpoint'> {
  const model = withHead(mlpBackbone({ inputDim: 4, hidden: [6], seed: 1 }).model, { units: 3, seed: 1 });
  const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden1'] }));
  return {
    model, params, metric: stateMetric, mode: 'loss+value', steps: 20, seed: 3, batchSize: 16, observeEvery: 5, perturbations: 2,
    data: { train: gaussians(96, 1), metric: gaussians(48, 2) },
  };
}

/** Rounds of a quadratic landscape in `dim` coordinates (5 points each), for value-function states. */
export function landscape(dim: number, rounds: number, seed: number): ObservationRound[] {
  const rng = new Rng(seed);
  const out: ObservationRound[] = [];
  const centre = new Float32Array(dim);
  for (let r = 0; r < rounds; r++) {
    const deltas = [Float32Array.from(centre)];
    for (let k = 0; k < 4; k++) deltas.push(Float32Array.from(centre, (c) => c + 0.1 * rng.normal()));
    const metrics = deltas.map((d) => d.reduce((s, v, i) => s + (v - (i % 3) * 0.1) ** 2, 0) + 0.01 * rng.normal());
    out.push({ round: r, step: 5 * r, deltas, metrics, scores: metrics.map((m) => -m), wholeSplit: true });
    for (let i = 0; i < dim; i++) centre[i] = centre[i]! + 0.02 * rng.normal();
  }
  return out;
}
