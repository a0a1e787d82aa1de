import * as tf from '@tensorflow/tfjs-core';
import { FormatError, InvalidArgumentError, describe } from '../errors.js';
import type { Rng } from '../rng.js';
import { activate, type Activation, type EncoderWeights } from './value-encoder.js';

/** Where a stack's initial weights come from: a seeded generator, or saved values by name. */
export type WeightSource = { rng: Rng } | { weights: EncoderWeights };

/**
 * A stack of dense layers over the last axis, sizes [in, h1, …, out], weights in tf.Variables
 * named `${prefix}/${i}/kernel` and `${prefix}/${i}/bias`. Kernels start N(0, 1/fan-in), biases 0.
 */
export class DenseStack {
  readonly variables: tf.Variable[] = [];
  readonly names: string[] = [];

  constructor(
    readonly prefix: string,
    readonly sizes: number[],
    readonly activation: Activation,
    source: WeightSource,
    /** Apply the activation after the last layer too (for features; not for a scalar output). */
    readonly activateLast: boolean,
  ) {
    const values: { name: string; data: Float32Array; shape: number[] }[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const fanIn = sizes[i]!;
      const fanOut = sizes[i + 1]!;
      const kernelName = `${prefix}/${i}/kernel`;
      const biasName = `${prefix}/${i}/bias`;
      if ('rng' in source) {
        const sd = 1 / Math.sqrt(fanIn);
        values.push({ name: kernelName, data: Float32Array.from(source.rng.normals(fanIn * fanOut), (v) => v * sd), shape: [fanIn, fanOut] });
        values.push({ name: biasName, data: new Float32Array(fanOut), shape: [fanOut] });
      } else {
        values.push({ name: kernelName, data: take(source.weights, kernelName, fanIn * fanOut), shape: [fanIn, fanOut] });
        values.push({ name: biasName, data: take(source.weights, biasName, fanOut), shape: [fanOut] });
      }
    }
    // All values are checked before any variable exists, so a bad saved weight leaks nothing.
    for (const v of values) {
      this.variables.push(tf.tidy(() => tf.variable(tf.tensor(v.data, v.shape, 'float32'), true)));
      this.names.push(v.name);
    }
  }

  /** [N, in] → [N, out]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    const layers = this.variables.length / 2;
    for (let i = 0; i < layers; i++) {
      h = tf.add(tf.matMul(h, this.variables[2 * i]! as tf.Tensor2D), this.variables[2 * i + 1]!);
      if (i + 1 < layers || this.activateLast) h = activate(h, this.activation) as tf.Tensor2D;
    }
    return h;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

function take(weights: EncoderWeights, name: string, size: number): Float32Array {
  const w = weights[name];
  if (w === undefined) throw new FormatError('value network weights', `weight '${name}' is missing`);
  if (!(w instanceof Float32Array) || w.length !== size) {
    throw new FormatError('value network weights', `weight '${name}' must hold ${size} float32 values, got ${describe(w)}`);
  }
  return w;
}

/** The creation-source check every encoder does: exactly one of rng and weights. */
export function weightSource(fn: string, rng: Rng | undefined, weights: EncoderWeights | undefined): WeightSource {
  if (weights !== undefined) return { weights };
  if (rng === undefined) throw new InvalidArgumentError(fn, 'options.rng', 'a seeded Rng (or saved weights)', 'undefined');
  return { rng };
}
