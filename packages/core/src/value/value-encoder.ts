import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '../errors.js';
import type { ParamLayout } from '../param-view.js';

/** Smooth activations only: V must have a useful gradient everywhere. */
export type Activation = 'gelu' | 'tanh' | 'softplus';
export const ACTIVATIONS: readonly Activation[] = ['gelu', 'tanh', 'softplus'];

export type EncoderKind = 'mlp' | 'set';

export interface MlpEncoderConfig {
  kind: 'mlp';
  hidden: number[];
  activation: Activation;
}

export interface SetEncoderConfig {
  kind: 'set';
  tokenHidden: number[];
  headHidden: number[];
  activation: Activation;
}

export type EncoderConfig = MlpEncoderConfig | SetEncoderConfig;

/** Weight values by weight name (a saved net's, or a state's). */
export type EncoderWeights = Record<string, Float32Array>;

/**
 * The part of a global value network that maps normalised coordinates δ to a raw value. A
 * GlobalValueNet takes one (injected, so swapping it needs no subclass); it owns its variables.
 */
export interface ValueEncoder {
  readonly kind: EncoderKind;
  readonly layout: ParamLayout;
  /** The length of δ it reads (the layout's size). */
  readonly inputSize: number;
  /** Trainable weights, in the order of `weightNames`. */
  readonly variables: readonly tf.Variable[];
  /** Stable names (not tfjs variable names, which must be unique per process) for saving. */
  readonly weightNames: readonly string[];
  /** [N, inputSize] → [N] raw values. Call inside tf.tidy. */
  apply(x: tf.Tensor2D): tf.Tensor1D;
  getConfig(): EncoderConfig;
  dispose(): void;
}

/** The activation as a tensor function (GELU in its sigmoid form x·σ(1.702x)). */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'gelu':
      return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
    case 'tanh':
      return tf.tanh(x);
    case 'softplus':
      return tf.softplus(x);
  }
}

export function checkActivation(fn: string, activation: unknown): Activation {
  if (!ACTIVATIONS.includes(activation as Activation)) {
    throw new InvalidArgumentError(fn, 'activation', `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, describe(activation));
  }
  return activation as Activation;
}

export function checkSizes(fn: string, arg: string, sizes: unknown, allowEmpty: boolean): number[] {
  if (!Array.isArray(sizes) || (!allowEmpty && sizes.length === 0) || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new InvalidArgumentError(fn, arg, `an array of positive integers${allowEmpty ? '' : ' (at least one)'}`, describe(sizes));
  }
  return sizes.slice();
}

/** Checks that a layout is a consistent ParamLayout (size, and segments that tile it). */
export function checkLayout(fn: string, arg: string, layout: unknown): ParamLayout {
  const l = layout as Partial<ParamLayout> | null;
  if (typeof l !== 'object' || l === null || !Number.isInteger(l.size) || (l.size as number) < 1 || !Array.isArray(l.segments)) {
    throw new InvalidArgumentError(fn, arg, 'a ParamLayout {size, segments}', describe(layout));
  }
  let end = 0;
  for (const s of l.segments) {
    if (typeof s !== 'object' || s === null || typeof s.kind !== 'string' || !Number.isInteger(s.offset) || !Number.isInteger(s.size) || s.offset !== end || !(s.scale > 0)) {
      throw new InvalidArgumentError(fn, `${arg}.segments`, `consecutive segments {kind, offset, size, scale > 0} starting at offset ${end}`, JSON.stringify(s));
    }
    end += s.size;
  }
  if (end !== l.size) throw new InvalidArgumentError(fn, `${arg}.size`, `the total size of its segments (${end})`, `${l.size}`);
  return l as ParamLayout;
}
