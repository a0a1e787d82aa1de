import * as tf from '@tensorflow/tfjs-core';
import { Rng, combineViews, defineMetric, evaluateMetric, filmAdapters, finetune, headParams, initBackend } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';

await initBackend(); // wasm where it loads, else cpu (tfjs-node when installed)

// Long-tailed data (a stand-in for yours): three Gaussian classes in 4-d, the third one rare.
function gaussians(n: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.next() < 0.1 ? 2 : rng.int(2);
    y.push(c);
    for (let d = 0; d < 4; d++) x.push(rng.normal() + (d === c ? 2.5 : 0));
  }
  return { x: tf.tensor2d(x, [n, 4]), y: tf.tensor1d(y, 'int32') };
}
const train = gaussians(2000, 1);
const metricSplit = gaussians(600, 2); // held out from training: the metric is observed here
const test = gaussians(3000, 3); // never observed

// The metric you are judged by, called as a black box: balanced error (lower is better).
const balancedError = defineMetric({
  name: 'balanced-error',
  higherIsBetter: false,
  evaluate: (outputs, labels) => {
    const predicted = tf.tidy(() => tf.argMax(outputs, 1).dataSync());
    const truth = labels.dataSync();
    const hits = [0, 0, 0];
    const counts = [0, 0, 0];
    truth.forEach((c, i) => {
      counts[c]! += 1;
      if (predicted[i] === c) hits[c]! += 1;
    });
    return 1 - hits.reduce((sum, h, c) => sum + h / Math.max(1, counts[c]!), 0) / 3;
  },
});

// An MLP with a 3-way head. φ, the part finetuned: the head and a FiLM (per-channel scale and shift)
// on the hidden layer; what lies below is frozen and its outputs cached.
const model = withHead(mlpBackbone({ inputDim: 4, hidden: [16], seed: 1 }).model, { units: 3, seed: 1 });
const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden1'] }));
// "Pretraining" with plain cross-entropy until it stops improving (your pretrained model goes here).
await finetune({ model, params, metric: balancedError, mode: 'loss', steps: 2000, observeEvery: 2000, select: false, seed: 0, data: { train, metric: metricSplit } });
const phi0 = params.read();
console.log(`pretrained: test balanced error ${(await evaluateMetric(model, balancedError, test)).toFixed(4)}`);

// Loss-only finetuning, then MetricOpt (loss + the value function's gradient), from the same φ₀.
for (const mode of ['loss', 'loss+value'] as const) {
  params.write(phi0);
  const run = await finetune({ model, params, metric: balancedError, mode, steps: 300, seed: 1, data: { train, metric: metricSplit } });
  const testError = await evaluateMetric(model, balancedError, test);
  console.log(`${mode}: test balanced error ${testError.toFixed(4)} (best on the metric split ${run.best!.metric.toFixed(4)} at step ${run.best!.step}, ${run.metricCalls} metric calls)`);
}
