import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import { Rng } from '../rng.js';
import { filmLayers } from '../params/film-layer.js';

/** A feature extractor with FiLM layers at named points, before any task head. */
export interface Backbone {
  /** Maps inputs to a feature vector of `featureDim` values. */
  model: tfl.LayersModel;
  /** Its FiLM layers (`block1_film`, …), shallow to deep; also in `model.getUserDefinedMetadata().filmPoints`. */
  filmPoints: string[];
  featureDim: number;
}

/** Seeds for successive layer initialisers, derived from one seed so a backbone is reproducible. */
export function layerSeeds(seed: number, fn: string): () => number {
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(fn, 'seed', 'an integer', describe(seed));
  const rng = new Rng(seed);
  return () => rng.int(2 ** 31 - 1);
}

/** He-normal kernel initialiser with its own seed (the init ReLU layers want). */
export function heNormal(nextSeed: () => number) {
  return tfl.initializers.heNormal({ seed: nextSeed() });
}

export function positiveInts(fn: string, argument: string, value: unknown, minLength = 1): number[] {
  if (!Array.isArray(value) || value.length < minLength || value.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new InvalidArgumentError(fn, argument, `a list of at least ${minLength} positive integers`, describe(value));
  }
  return value as number[];
}

/** Wraps a built feature model with its FiLM points recorded in the model's metadata (saved with it). */
export function asBackbone(model: tfl.LayersModel): Backbone {
  const filmPoints = filmLayers(model);
  model.setUserDefinedMetadata({ filmPoints });
  const shape = model.outputs[0]!.shape;
  return { model, filmPoints, featureDim: shape[shape.length - 1] as number };
}
