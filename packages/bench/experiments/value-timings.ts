// V wall-time breakdown (fit, τ scoring, gradients) vs metric calls for one seed: npx tsx experiments/value-timings.ts <seed>
import * as tf from '@tensorflow/tfjs-core';
import { combineViews, filmAdapters, finetune, headParams, initBackend, ValueFunction, type FinetuneOptions } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { makeMixture } from '../src/tasks/synthetic/gaussian-mixture.js';
import { makeSyntheticSplits, DEFAULT_SPLIT_SIZES } from '../src/tasks/synthetic/synthetic-splits.js';
import { pretrainCrossEntropy } from '../src/tasks/synthetic/pretrain.js';
import { balancedErrorMetric } from '../src/tasks/synthetic/class-recall.js';
await initBackend();
const seed = Number(process.argv[2] ?? 1);
const splits = makeSyntheticSplits(makeMixture(), DEFAULT_SPLIT_SIZES, seed);
const T = (s: typeof splits.train) => ({ x: tf.tensor2d(s.x, [s.n, s.dim]), y: tf.tensor1d(s.y, 'int32') });
const train = T(splits.train), met = T(splits.metric);
const backbone = mlpBackbone({ inputDim: 24, hidden: [64, 64], seed });
const model = withHead(backbone.model, { units: 10, seed });
await pretrainCrossEntropy(model, splits.train, { epochs: 5, batchSize: 64, learningRate: 1e-3, seed });
const p = combineViews(headParams(model), filmAdapters(model, { layers: [backbone.filmPoints.at(-1)!] }));
const configs: [string, Partial<FinetuneOptions>, object][] = [
  ['default', {}, {}],
  ['groups-resel5', { mixing: 'loss-prior', lossGroups: 'label', groupRidge: 1, lambda: 0.3 }, { reselectEvery: 5 }],
];
for (const [name, extra, local] of configs) {
  p.write(p.phi0);
  const vf = new ValueFunction({ local, trust: { warmupRounds: 3 } });
  const opt = tf.train.adam(1e-3);
  const run = await finetune({ model, params: p, metric: balancedErrorMetric, data: { train, metric: met }, optimizer: opt, mode: 'loss+value', steps: 300, seed, valueFunction: vf, ...extra });
  const t = vf.timings;
  console.log(name, 'fit', t.fitMs.toFixed(0), 'score', t.scoreMs.toFixed(0), 'grad', t.gradientMs.toFixed(0), 'calls', t.gradientCalls, '| run V s', run.timings.valueSeconds.toFixed(3), 'metric s', run.timings.metricSeconds.toFixed(3), 'total', run.timings.totalSeconds.toFixed(2));
}
