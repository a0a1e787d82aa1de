import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, MetricOptError, describe } from '@metricopt/core';
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

/** A model cut at a layer: `head(trunk(x))` computes `model(x)`, sharing its layers (and weights). */
export interface CutModel {
  /** The frozen part: the model's input to the input of the cut layer. */
  trunk: tfl.LayersModel;
  /** The cut layer and every layer after it, applied to trunk outputs. */
  head: tfl.LayersModel;
  /** Releases the head's hold on the shared layers (call it before disposing the model; the model owns the weights). */
  dispose(): void;
}

/**
 * Cuts a model at the input of `layer` into a trunk and a head model that share its layers: the
 * head is where finetuning happens, on trunk features computed once (METHOD.md §1). The layers
 * from `layer` to the output must form a chain (true of a classifier's last FiLM layer, pooling
 * and head).
 *
 * ```ts
 * const cut = cutModel(model, 'block3_film');
 * cut.trunk.outputs[0].shape;   // [null, 64]
 * cut.head.inputs[0].shape;     // [null, 64]
 * cut.dispose();                // then model.dispose() frees every weight
 * ```
 */
export function cutModel(model: tfl.LayersModel, layer: string): CutModel {
  const fn = 'cutModel';
  if (!(model instanceof tfl.LayersModel) || model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError(fn, 'model', 'a tf.LayersModel with one input and one output', describe(model));
  }
  const layers = model.layers;
  const start = layers.findIndex((l) => l.name === layer);
  if (start < 0) throw new InvalidArgumentError(fn, 'layer', `one of the model's layers [${layers.map((l) => l.name).join(', ')}]`, describe(layer));
  const cut = layers[start]!.getInputAt(0) as tfl.SymbolicTensor;
  if (Array.isArray(cut)) throw new InvalidArgumentError(fn, 'layer', 'a layer with a single input', `'${layer}' with ${(cut as unknown[]).length}`);
  const chain = layers.slice(start);
  const output = model.outputs[0]!;
  for (let i = 1; i < chain.length; i++) {
    const inbound = chain[i]!.getInputAt(0) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
    if (Array.isArray(inbound) || inbound.sourceLayer !== chain[i - 1]) {
      throw new MetricOptError(`${fn}: the layers after '${layer}' do not form a chain ('${chain[i]!.name}' does not take '${chain[i - 1]!.name}' alone); cut at a later layer`);
    }
  }
  if (output.sourceLayer !== chain[chain.length - 1]) {
    throw new MetricOptError(`${fn}: the model's output does not come from its last layer after '${layer}'`);
  }
  const trunk = tfl.model({ inputs: model.inputs, outputs: cut, name: `${model.name}_trunk` });
  const input = tfl.input({ shape: cut.shape.slice(1) as number[], name: `${layer}_features` });
  let x: tfl.SymbolicTensor = input;
  for (const l of chain) x = l.apply(x) as tfl.SymbolicTensor;
  const head = tfl.model({ inputs: input, outputs: x, name: `${model.name}_head` });
  // Applying a layer again adds a reference to it: the head's dispose gives those back.
  return { trunk, head, dispose: () => void head.dispose() };
}
