import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import { layersInOrder } from './model-graph.js';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];
type Shape = tfl.Shape;

/**
 * Feature-wise linear modulation: `y = x·γ + β` with one `scale` γ (ones) and one `shift` β
 * (zeros) per channel of the last axis, broadcast over the leading axes. At γ = 1, β = 0 it is
 * the identity, so a model with FiLM layers inserted is exactly the pretrained one.
 *
 * ```ts
 * const x = tf.input({ shape: [8, 8, 16] });
 * const y = new FiLM({ name: 'block1_film' }).apply(x);   // weights: block1_film/scale, block1_film/shift, shape [16]
 * ```
 */
export class FiLM extends tfl.layers.Layer {
  static className = 'FiLM';
  private scale: tfl.LayerVariable | null = null;
  private shift: tfl.LayerVariable | null = null;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number' || !(channels > 0)) {
      throw new InvalidArgumentError('FiLM.build', 'inputShape', 'a shape with a known last (channel) axis', describe(shape));
    }
    this.scale = this.addWeight('scale', [channels], 'float32', tfl.initializers.ones());
    this.shift = this.addWeight('shift', [channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.add(tf.mul(x, this.scale!.read()), this.shift!.read());
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** γ, the variable itself (what a ParamView holds). */
  get scaleVariable(): tf.Variable {
    return asVariable(this.scale, this.name, 'scale');
  }

  /** β, the variable itself. */
  get shiftVariable(): tf.Variable {
    return asVariable(this.shift, this.name, 'shift');
  }
}

tf.serialization.registerClass(FiLM);

/** True for a FiLM layer, also one from another copy of this module (a loaded model, a second bundle). */
export function isFilmLayer(layer: tfl.layers.Layer): boolean {
  return layer.getClassName() === FiLM.className;
}

/** The names of a model's FiLM layers, in topological order: its FiLM points. */
export function filmLayers(model: tfl.LayersModel): string[] {
  return layersInOrder(model).filter(isFilmLayer).map((l) => l.name);
}

/** The `scale` and `shift` variables of a built FiLM layer, found by weight name. */
export function filmVariables(layer: tfl.layers.Layer): { scale: tf.Variable; shift: tf.Variable } {
  const find = (suffix: string) => {
    const w = layer.weights.find((v) => v.originalName.endsWith(`/${suffix}`) || v.originalName === suffix);
    return asVariable(w ?? null, layer.name, suffix);
  };
  return { scale: find('scale'), shift: find('shift') };
}

function asVariable(w: tfl.LayerVariable | null, layer: string, which: string): tf.Variable {
  const v = w?.read();
  if (!(v instanceof tf.Variable)) {
    throw new InvalidArgumentError('FiLM', layer, `a built FiLM layer with a '${which}' weight`, 'an unbuilt layer (apply it first)');
  }
  return v;
}
