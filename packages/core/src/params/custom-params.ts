import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '../errors.js';
import { ParamView } from '../param-view.js';

/**
 * Any variables as a parameter view. Where they sit in the model is unknown, so nothing is
 * frozen below them: the boundary is null and no features are cached.
 *
 * ```ts
 * const view = customParams([temperature]);   // one 'custom' segment
 * ```
 */
export function customParams(variables: tf.Variable[]): ParamView {
  if (!Array.isArray(variables) || variables.length === 0) {
    throw new InvalidArgumentError('customParams', 'variables', 'a non-empty list of tf.Variable', describe(variables));
  }
  return new ParamView(variables.map((variable) => ({ variable, kind: 'custom' as const })), null);
}
