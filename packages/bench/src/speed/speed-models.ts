import type * as tfl from '@tensorflow/tfjs-layers';
import { mlpBackbone, smallCnn, withHead } from '@metricopt/core/backbones';

export const SPEED_MODEL_NAMES = ['cnn', 'mlp'] as const;
export type SpeedModelName = (typeof SPEED_MODEL_NAMES)[number];

/** Inputs per training step in the speed bench, tfjs and PyTorch alike. */
export const SPEED_BATCH = 64;

export interface SpeedModel {
  name: SpeedModelName;
  /** Layer by layer; python/speed_reference.py builds the same layers in PyTorch. */
  description: string;
  /** One input's shape, channels last. */
  inputShape: number[];
  build(seed: number): tfl.LayersModel;
}

/**
 * The models `metricopt bench speed` trains: core's backbones with a 10-unit head, so the figures
 * are those of the models the benches finetune.
 *
 * ```ts
 * const model = SPEED_MODELS.cnn.build(1);   // smallCnn() + dense 10
 * ```
 */
export const SPEED_MODELS: Readonly<Record<SpeedModelName, SpeedModel>> = {
  cnn: {
    name: 'cnn',
    description: 'smallCnn: conv3x3 16 same relu, FiLM, conv3x3 32 same relu, FiLM, maxpool 2, dense 64 relu, FiLM, dense 10; 28x28x1',
    inputShape: [28, 28, 1],
    build: (seed) => withHead(smallCnn({ seed }).model, { units: 10, seed }),
  },
  mlp: {
    name: 'mlp',
    description: 'mlpBackbone: dense 784-256 relu, FiLM, dense 256-256 relu, FiLM, dense 10',
    inputShape: [784],
    build: (seed) => withHead(mlpBackbone({ inputDim: 784, hidden: [256, 256], seed }).model, { units: 10, seed }),
  },
};
