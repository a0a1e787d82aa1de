import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '@metricopt/core';
import { smallCnn, smallResNet, withHead } from '@metricopt/core/backbones';

/** The backbones a classifier can have: `small-cnn` (conv16 → conv32 → pool → dense64) or `small-resnet` (three residual blocks). */
export const CLASSIFIER_ARCHITECTURES = ['small-cnn', 'small-resnet'] as const;
export type ClassifierArchitecture = (typeof CLASSIFIER_ARCHITECTURES)[number];

export interface ClassifierOptions {
  /** [height, width, channels]. */
  inputShape: number[];
  numClasses: number;
  /** Default: `small-cnn` for one channel, `small-resnet` for more (see defaultArchitecture). */
  architecture?: ClassifierArchitecture;
  /** Seeds the backbone and head initialisers (default 0). */
  seed?: number;
  /** small-cnn: filters of its two convolutions (default [16, 32]) and feature width (default 64). */
  filters?: [number, number];
  units?: number;
  /** small-resnet: one residual block per width (default [16, 32, 64]). */
  widths?: number[];
}

/** `small-cnn` for grayscale images (MNIST-like), `small-resnet` for colour ones (CIFAR-like). */
export function defaultArchitecture(inputShape: readonly number[]): ClassifierArchitecture {
  return inputShape[inputShape.length - 1] === 1 ? 'small-cnn' : 'small-resnet';
}

/**
 * A classifier: one of core's backbones (with its FiLM points) followed by a dense head named
 * `head` that outputs logits, one per class.
 *
 * ```ts
 * const model = buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
 * model.outputs[0].shape;              // [null, 10]
 * model.getUserDefinedMetadata();      // { filmPoints: ['block1_film', 'block2_film', 'block3_film'] }
 * ```
 */
export function buildClassifier(options: ClassifierOptions): tfl.LayersModel {
  const fn = 'buildClassifier';
  const { inputShape, numClasses } = options ?? ({} as ClassifierOptions);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidArgumentError(fn, 'numClasses', 'an integer ≥ 2', describe(numClasses));
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new InvalidArgumentError(fn, 'inputShape', '[height, width, channels]', describe(inputShape));
  }
  const architecture = options.architecture ?? defaultArchitecture(inputShape);
  const seed = options.seed ?? 0;
  let backbone;
  if (architecture === 'small-cnn') {
    backbone = smallCnn({ inputShape, seed, ...(options.filters ? { filters: options.filters } : {}), ...(options.units ? { units: options.units } : {}) });
  } else if (architecture === 'small-resnet') {
    backbone = smallResNet({ inputShape, seed, ...(options.widths ? { widths: options.widths } : {}) });
  } else {
    throw new InvalidArgumentError(fn, 'architecture', `one of ${CLASSIFIER_ARCHITECTURES.join(', ')}`, describe(architecture));
  }
  return withHead(backbone.model, { units: numClasses, seed: seed + 1 });
}

/** The names of a classifier's FiLM layers (from its metadata, else by class), shallow to deep. */
export function filmPointsOf(model: tfl.LayersModel): string[] {
  const meta = model.getUserDefinedMetadata() as { filmPoints?: unknown } | undefined;
  if (Array.isArray(meta?.filmPoints)) return meta.filmPoints as string[];
  return model.layers.filter((l) => l.getClassName() === 'FiLM').map((l) => l.name);
}
