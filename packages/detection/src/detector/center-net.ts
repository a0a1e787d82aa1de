import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FiLM, InvalidArgumentError, Rng, describe } from '@metricopt/core';

export interface CenterNetOptions {
  /** Image shape [height, width, channels] (default [96, 96, 1]); height and width divisible by 4. */
  inputShape?: number[];
  numClasses: number;
  /** Filters of the four 3×3 trunk blocks: two of stride 2, then two of stride 1 (default [16, 32, 32, 32]). */
  filters?: number[];
  /** Filters of the 3×3 head convolution (default 32). */
  headFilters?: number;
  /** Seeds the initialisers: the same seed gives the same weights (default 0). */
  seed?: number;
  /**
   * A FiLM `head_out_film` on the outputs (default false): per output channel a scale and shift — the heatmap logits'
   * temperature and prior per class, the box sizes' and offsets' scale and shift. Identity at start; compact
   * calibration points for a metric (COCO mAP rewards, e.g., box sizes scaled a little away from the L1 optimum).
   */
  outputFilm?: boolean;
}

/** A CenterNet detector and what decoding and target encoding need to know about it. */
export interface CenterNet {
  /** One output [N, H/4, W/4, numClasses + 4]: heatmap logits, then box width and height, then centre offset x and y. */
  model: tfl.LayersModel;
  /** Its FiLM layers, shallow to deep: `block1_film` … `block4_film`, `head_conv_film` (then `head_out_film` with `outputFilm`). */
  filmPoints: string[];
  numClasses: number;
  /** Input pixels per output cell (4). */
  stride: number;
  /** Output grid [height, width]. */
  outputSize: [number, number];
}

/** The output stride of `centerNet`: two stride-2 blocks. */
export const CENTER_NET_STRIDE = 4;
/** Heatmap bias at start: sigmoid(−2.19) ≈ 0.1, CenterNet's prior, so early focal losses stay small. */
const HEATMAP_PRIOR_BIAS = -2.19;

/**
 * A CPU-sized anchor-free detector in the manner of CenterNet ("Objects as Points"): four 3×3
 * conv blocks (`block1`, `block2` of stride 2, `block3`, `block4` of stride 1, ReLU, each followed by
 * FiLM `blockN_film`), then a shared head — a 3×3 conv `head_conv` with FiLM `head_conv_film` and a
 * 1×1 conv `head_out` — giving per output cell one heatmap logit per class, the box size (w, h) and
 * the centre's sub-cell offset (x, y), all in output cells. No batch normalisation.
 *
 * ```ts
 * const net = centerNet({ numClasses: 10, seed: 1 });
 * net.model.outputs[0].shape;   // [null, 24, 24, 14]
 * net.filmPoints.at(-1);        // 'head_conv_film'
 * ```
 */
export function centerNet(options: CenterNetOptions): CenterNet {
  const fn = 'centerNet';
  const inputShape = options?.inputShape ?? [96, 96, 1];
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((v) => Number.isInteger(v) && v > 0)
    || inputShape[0]! % CENTER_NET_STRIDE !== 0 || inputShape[1]! % CENTER_NET_STRIDE !== 0) {
    throw new InvalidArgumentError(fn, 'inputShape', `[height, width, channels] of positive integers, height and width divisible by ${CENTER_NET_STRIDE}`, describe(inputShape));
  }
  const numClasses = options.numClasses;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new InvalidArgumentError(fn, 'numClasses', 'a positive integer', describe(numClasses));
  const filters = options.filters ?? [16, 32, 32, 32];
  if (!Array.isArray(filters) || filters.length !== 4 || !filters.every((f) => Number.isInteger(f) && f > 0)) {
    throw new InvalidArgumentError(fn, 'filters', 'four positive integers', describe(filters));
  }
  const headFilters = options.headFilters ?? 32;
  if (!Number.isInteger(headFilters) || headFilters < 1) throw new InvalidArgumentError(fn, 'headFilters', 'a positive integer', describe(headFilters));
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(fn, 'seed', 'an integer', describe(seed));
  const rng = new Rng(seed);
  const nextSeed = () => rng.int(2 ** 31 - 1);
  const conv = (name: string, f: number, kernelSize: number, strides: number, activation: 'relu' | 'linear') =>
    tfl.layers.conv2d({
      name, filters: f, kernelSize, strides, padding: 'same', activation,
      kernelInitializer: tfl.initializers.heNormal({ seed: nextSeed() }),
    });

  const input = tfl.input({ shape: inputShape, name: 'image' });
  let x: tfl.SymbolicTensor = input;
  filters.forEach((f, i) => {
    const name = `block${i + 1}`;
    x = conv(name, f, 3, i < 2 ? 2 : 1, 'relu').apply(x) as tfl.SymbolicTensor;
    x = new FiLM({ name: `${name}_film` }).apply(x) as tfl.SymbolicTensor;
  });
  x = conv('head_conv', headFilters, 3, 1, 'relu').apply(x) as tfl.SymbolicTensor;
  x = new FiLM({ name: 'head_conv_film' }).apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.conv2d({
    name: 'head_out', filters: numClasses + 4, kernelSize: 1, padding: 'same',
    kernelInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
  });
  const outputFilm = options.outputFilm ?? false;
  if (typeof outputFilm !== 'boolean') throw new InvalidArgumentError(fn, 'outputFilm', 'a boolean', describe(outputFilm));
  let output = out.apply(x) as tfl.SymbolicTensor;
  if (outputFilm) output = new FiLM({ name: 'head_out_film' }).apply(output) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output, name: 'center_net' });
  // Heatmap logits start at the prior; size and offset at zero.
  const [kernel] = out.getWeights();
  const bias = tf.tensor1d(Array.from({ length: numClasses + 4 }, (_, c) => (c < numClasses ? HEATMAP_PRIOR_BIAS : 0)));
  out.setWeights([kernel!, bias]);
  bias.dispose();
  const filmPoints = [...filters.map((_, i) => `block${i + 1}_film`), 'head_conv_film', ...(outputFilm ? ['head_out_film'] : [])];
  model.setUserDefinedMetadata({ filmPoints, numClasses, stride: CENTER_NET_STRIDE });
  return {
    model, filmPoints, numClasses, stride: CENTER_NET_STRIDE,
    outputSize: [inputShape[0]! / CENTER_NET_STRIDE, inputShape[1]! / CENTER_NET_STRIDE],
  };
}
