import * as tfl from '@tensorflow/tfjs-layers';
import { FiLM } from '../params/film-layer.js';
import { asBackbone, heNormal, layerSeeds, positiveInts, type Backbone } from './backbone.js';

export interface SmallResNetOptions {
  /** Image shape [height, width, channels] (default [32, 32, 3]). */
  inputShape?: number[];
  /** One residual block per width; every block after the first halves the resolution (default [16, 32, 64]). */
  widths?: number[];
  /** Seeds the initialisers: the same seed gives the same weights (default 0). */
  seed?: number;
}

/**
 * A CPU-sized residual network: a 3×3 stem conv, then per width a block
 * `relu(conv3×3 → conv3×3 + shortcut)` named `blockN` (stride 2 from the second block on, a
 * 1×1 conv shortcut where the shape changes), each followed by FiLM `blockN_film`, then global
 * average pooling to a feature vector of the last width. No batch normalisation, so training
 * and inference compute the same function on every backend.
 *
 * ```ts
 * const { model, filmPoints } = smallResNet({ seed: 1 });
 * model.outputs[0].shape;   // [null, 64]
 * filmPoints;               // ['block1_film', 'block2_film', 'block3_film']
 * ```
 */
export function smallResNet(options: SmallResNetOptions = {}): Backbone {
  const fn = 'smallResNet';
  const inputShape = positiveInts(fn, 'inputShape', options.inputShape ?? [32, 32, 3], 3);
  const widths = positiveInts(fn, 'widths', options.widths ?? [16, 32, 64]);
  const seed = layerSeeds(options.seed ?? 0, fn);
  const conv = (name: string, filters: number, kernelSize: number, strides: number, activation: 'relu' | 'linear') =>
    tfl.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', activation, kernelInitializer: heNormal(seed) });

  const input = tfl.input({ shape: inputShape, name: 'image' });
  let x = conv('stem', widths[0]!, 3, 1, 'relu').apply(input) as tfl.SymbolicTensor;
  let channels = widths[0]!;
  widths.forEach((width, i) => {
    const name = `block${i + 1}`;
    const strides = i === 0 ? 1 : 2;
    let y = conv(`${name}_conv1`, width, 3, strides, 'relu').apply(x) as tfl.SymbolicTensor;
    y = conv(`${name}_conv2`, width, 3, 1, 'linear').apply(y) as tfl.SymbolicTensor;
    const shortcut =
      strides !== 1 || channels !== width ? (conv(`${name}_shortcut`, width, 1, strides, 'linear').apply(x) as tfl.SymbolicTensor) : x;
    y = tfl.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tfl.SymbolicTensor;
    y = tfl.layers.activation({ name, activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
    x = new FiLM({ name: `${name}_film` }).apply(y) as tfl.SymbolicTensor;
    channels = width;
  });
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  return asBackbone(tfl.model({ inputs: input, outputs: x, name: 'small_resnet' }));
}
