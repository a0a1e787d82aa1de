// Models that the cut tests (model-split, model-cut) share; not part of the build.
import * as tfl from '@tensorflow/tfjs-layers';
import { smallCnn } from '../backbones/small-cnn.js';
import { smallResNet } from '../backbones/small-resnet.js';
import { withHead } from '../backbones/with-head.js';
import type { ParamView } from '../param-view.js';
import { filmAdapters } from './film-adapters.js';

/** A chain: conv, FiLM, conv, FiLM, pool, dense, FiLM, head. */
export const cnn = () => withHead(smallCnn({ inputShape: [6, 6, 2], filters: [3, 4], units: 5, seed: 1 }).model, { units: 3, seed: 2 });

/** Three residual blocks (skip connections) with FiLM after each, then pool and head. */
export const resnet = () => withHead(smallResNet({ inputShape: [8, 8, 2], widths: [3, 4, 5], seed: 3 }).model, { units: 3, seed: 4 });

/** A Sequential model of two dense layers, `s1` (3 → 4, tanh) and `s2` (4 → 2). */
export const twoDense = () =>
  tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 's1', units: 4, inputShape: [3], activation: 'tanh', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }),
      tfl.layers.dense({ name: 's2', units: 2, kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });

/** Moves every FiLM variable of `layers` off the identity so the checks are not trivially at γ = 1, β = 0. */
export function perturbFilm(model: tfl.LayersModel, layers: string[]): ParamView {
  const view = filmAdapters(model, { layers });
  view.setDelta(Float32Array.from({ length: view.size }, (_, i) => Math.sin(i + 1)));
  return view;
}
