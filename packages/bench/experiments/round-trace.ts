// Per-round trace of a loss-prior run with one weight per class: centre metric, τ, trust, GP choice, fitted weights.
// npx tsx experiments/round-trace.ts <seed> [w]   (w: class-weighted CE as the loss)
import * as tf from '@tensorflow/tfjs-core';
import { combineViews, evaluateMetric, filmAdapters, finetune, headParams, initBackend, ValueFunction, inverseFrequencyWeights, weightedCrossEntropy } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { makeMixture } from '../src/tasks/synthetic/gaussian-mixture.js';
import { makeSyntheticSplits, DEFAULT_SPLIT_SIZES } from '../src/tasks/synthetic/synthetic-splits.js';
import { pretrainCrossEntropy } from '../src/tasks/synthetic/pretrain.js';
import { balancedErrorMetric } from '../src/tasks/synthetic/class-recall.js';
await initBackend();
const seed = Number(process.argv[2] ?? 101);
const weighted = process.argv[3] === 'w';
const mixture = makeMixture();
const splits = makeSyntheticSplits(mixture, DEFAULT_SPLIT_SIZES, seed);
const T = (s: typeof splits.train) => ({ x: tf.tensor2d(s.x, [s.n, s.dim]), y: tf.tensor1d(s.y, 'int32') });
const train = T(splits.train), met = T(splits.metric), test = T(splits.test);
const backbone = mlpBackbone({ inputDim: 24, hidden: [64, 64], seed });
const model = withHead(backbone.model, { units: 10, seed });
await pretrainCrossEntropy(model, splits.train, { epochs: 5, batchSize: 64, learningRate: 1e-3, seed });
const p = combineViews(headParams(model), filmAdapters(model, { layers: [backbone.filmPoints.at(-1)!] }));
const vf = new ValueFunction({ trust: { warmupRounds: 3 } });
const opt = tf.train.adam(1e-3);
const weights = inverseFrequencyWeights(splits.train.y, 10);
const run = await finetune({ model, params: p, metric: balancedErrorMetric, data: { train, metric: met }, optimizer: opt, mode: 'loss+value', steps: 300, seed, valueFunction: vf, mixing: 'loss-prior', lambda: 1, lossGroups: 'label',
  ...(weighted ? { loss: weightedCrossEntropy(weights) } : {}),
  onRound: (info) => {
    const h = vf.local!.hyperparameters;
    const g = vf.gradient(info.observation.deltas[0]!);
    let n = 0; for (const v of g) n += v * v;
    console.log(info.round, 'm', info.centreMetric.toFixed(4), 'tau', info.tau?.toFixed(2), 'trust', info.trust.toFixed(2), 'mult', h?.multiplier, 'noise', h?.noise, 'c', h?.surrogateWeights.map((v) => v.toFixed(2)).join(','), '|res|', Math.sqrt(n).toExponential(2));
  } });
console.log('test', (await evaluateMetric(model, balancedErrorMetric, test)).toFixed(4), 'best', run.best);
