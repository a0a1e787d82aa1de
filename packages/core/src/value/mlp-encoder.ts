import * as tf from '@tensorflow/tfjs-core';
import type { ParamLayout } from '../param-view.js';
import type { Rng } from '../rng.js';
import { DenseStack, weightSource } from './dense-stack.js';
import { checkActivation, checkLayout, checkSizes, type Activation, type EncoderWeights, type MlpEncoderConfig, type ValueEncoder } from './value-encoder.js';

export interface MlpEncoderOptions {
  layout: ParamLayout;
  /** Hidden layer widths (default [64, 64]). */
  hidden?: number[];
  activation?: Activation;
  /** Draws the initial weights (required unless `weights` is given). */
  rng?: Rng;
  weights?: EncoderWeights;
}

/**
 * The `mlp` encoder: a fixed-architecture MLP over the whole of δ, δ → hidden → … → 1, with a
 * smooth activation (GELU by default). Tied to one layout (its input size).
 *
 * ```ts
 * const encoder = new MlpEncoder({ layout: params.layout, hidden: [64, 64], rng: new Rng(1) });
 * const net = new GlobalValueNet({ encoder });
 * ```
 */
export class MlpEncoder implements ValueEncoder {
  readonly kind = 'mlp' as const;
  readonly layout: ParamLayout;
  readonly inputSize: number;
  readonly hidden: number[];
  readonly activation: Activation;
  private readonly stack: DenseStack;

  constructor(options: MlpEncoderOptions) {
    this.layout = checkLayout('MlpEncoder', 'options.layout', options?.layout);
    this.inputSize = this.layout.size;
    this.hidden = checkSizes('MlpEncoder', 'options.hidden', options.hidden ?? [64, 64], true);
    this.activation = checkActivation('MlpEncoder', options.activation ?? 'gelu');
    const source = weightSource('MlpEncoder', options.rng, options.weights);
    this.stack = new DenseStack('mlp', [this.inputSize, ...this.hidden, 1], this.activation, source, false);
  }

  get variables(): readonly tf.Variable[] {
    return this.stack.variables;
  }

  get weightNames(): readonly string[] {
    return this.stack.names;
  }

  apply(x: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(this.stack.apply(x), [x.shape[0]]);
  }

  getConfig(): MlpEncoderConfig {
    return { kind: 'mlp', hidden: this.hidden.slice(), activation: this.activation };
  }

  dispose(): void {
    this.stack.dispose();
  }
}
