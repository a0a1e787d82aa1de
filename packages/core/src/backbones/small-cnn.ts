import * as tfl from '@tensorflow/tfjs-layers';
import { FiLM } from '../params/film-layer.js';
import { asBackbone, heNormal, layerSeeds, positiveInts, type Backbone } from './backbone.js';

export interface SmallCnnOptions {
  /** Image shape [height, width, channels] (default [28, 28, 1]). */
  inputShape?: number[];
  /** Filters of the two 3×3 convolutions (default [16, 32]). */
  filters?: [number, number];
  /** Width of the feature vector (default 64). */
  units?: number;
  /** Seeds the initialisers: the same seed gives the same weights (default 0). */
  seed?: number;
}

/**
 * conv 3×3 (`block1`) → conv 3×3 (`block2`) → max-pool 2 → dense (`block3`), ReLU throughout,
 * each followed by a FiLM layer (`block1_film`, `block2_film`, `block3_film`). No batch
 * normalisation: nothing whose training-mode statistics differ from inference.
 *
 * ```ts
 * const { model, filmPoints } = smallCnn({ seed: 1 });
 * model.outputs[0].shape;   // [null, 64]
 * filmPoints;               // ['block1_film', 'block2_film', 'block3_film']
 * ```
 */
export function smallCnn(options: SmallCnnOptions = {}): Backbone {
  const fn = 'smallCnn';
  const inputShape = positiveInts(fn, 'inputShape', options.inputShape ?? [28, 28, 1], 3);
  const [f1, f2] = positiveInts(fn, 'filters', options.filters ?? [16, 32], 2);
  const [units] = positiveInts(fn, 'units', [options.units ?? 64]);
  const seed = layerSeeds(options.seed ?? 0, fn);
  const conv = (name: string, filters: number) =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: heNormal(seed) });

  const input = tfl.input({ shape: inputShape, name: 'image' });
  let x = conv('block1', f1!).apply(input) as tfl.SymbolicTensor;
  x = new FiLM({ name: 'block1_film' }).apply(x) as tfl.SymbolicTensor;
  x = conv('block2', f2!).apply(x) as tfl.SymbolicTensor;
  x = new FiLM({ name: 'block2_film' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ name: 'block3', units: units!, activation: 'relu', kernelInitializer: heNormal(seed) })
    .apply(x) as tfl.SymbolicTensor;
  x = new FiLM({ name: 'block3_film' }).apply(x) as tfl.SymbolicTensor;
  return asBackbone(tfl.model({ inputs: input, outputs: x, name: 'small_cnn' }));
}
