import * as tfl from '@tensorflow/tfjs-layers';
import { FiLM } from '../params/film-layer.js';
import { asBackbone, heNormal, layerSeeds, positiveInts, type Backbone } from './backbone.js';

export interface MlpBackboneOptions {
  inputDim: number;
  /** Widths of the hidden layers `hidden1`, `hidden2`, … */
  hidden: number[];
  /** Activation of the hidden layers (default 'relu'). */
  activation?: 'relu' | 'tanh' | 'elu' | 'linear';
  /** Seeds the initialisers: the same seed gives the same weights (default 0). */
  seed?: number;
}

/**
 * Dense layers `hidden1`, `hidden2`, … each followed by FiLM `hiddenN_film`; the features are the
 * last one's output. The backbone of the synthetic benchmark.
 *
 * ```ts
 * const { model, filmPoints } = mlpBackbone({ inputDim: 10, hidden: [32, 16], seed: 1 });
 * filmPoints;   // ['hidden1_film', 'hidden2_film']
 * ```
 */
export function mlpBackbone(options: MlpBackboneOptions): Backbone {
  const fn = 'mlpBackbone';
  const [inputDim] = positiveInts(fn, 'inputDim', [options?.inputDim]);
  const hidden = positiveInts(fn, 'hidden', options.hidden);
  const seed = layerSeeds(options.seed ?? 0, fn);
  const input = tfl.input({ shape: [inputDim!], name: 'features_in' });
  let x: tfl.SymbolicTensor = input;
  hidden.forEach((units, i) => {
    const name = `hidden${i + 1}`;
    const activation = options.activation ?? 'relu';
    x = tfl.layers.dense({ name, units, activation, kernelInitializer: heNormal(seed) }).apply(x) as tfl.SymbolicTensor;
    x = new FiLM({ name: `${name}_film` }).apply(x) as tfl.SymbolicTensor;
  });
  return asBackbone(tfl.model({ inputs: input, outputs: x, name: 'mlp_backbone' }));
}
