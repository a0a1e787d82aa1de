import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng, combineViews, cutModel, filmAdapters, headParams, type ParamView, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import {
  buildClassifier,
  channelStats,
  classificationSplits,
  classifierParams,
  dataFingerprint,
  imageFeatures,
  loadClassificationDataset,
  loadOrPretrain,
  pretrainClassifier,
  type ImageDataset,
  type PretrainResult,
} from '@metricopt/classification';
import type { BenchReporter } from '../../reporter.js';
import type { LabelledSamples } from '../synthetic/gaussian-mixture.js';
import { OwnedSplits } from '../synthetic/owned-splits.js';
import { pretrainCrossEntropy } from '../synthetic/pretrain.js';

/** A long-tailed image classification problem: which data, which backbone, how it is pretrained. */
export interface ImageProblemSettings {
  /** A classification dataset name (`embedded`: the offline Fashion-MNIST subset). */
  dataset: string;
  dataDir?: string;
  imbalance: number;
  metricFraction: number;
  /** Seeds the splits and the pretraining (so the metric split is never trained on). */
  splitSeed: number;
  /** `small-cnn` (FiLM on its 64-d features; trunk features cached) or `mlp` on the flattened pixels. */
  architecture: 'small-cnn' | 'mlp';
  /** The MLP's hidden widths (FiLM on the last). */
  hidden?: number[];
  pretrainEpochs: number;
  /** Also prepare the test split (evaluation only; never observed). */
  withTest: boolean;
}

/** What a finetune of the problem needs, on the model finetune sees (the head model for a CNN). */
export interface ImageProblem {
  model: tfl.LayersModel;
  params: ParamView;
  train: Split;
  metric: Split;
  twin: Split;
  test: Split | null;
  dataset: string;
  backbone: string;
  numClasses: number;
  pretrainCached: boolean;
  dispose(): void;
}

const datasets = new Map<string, Promise<ImageDataset>>();

/** The dataset, read once per process. */
function dataset(name: string, dir: string | undefined): Promise<ImageDataset> {
  const key = `${name}:${dir ?? ''}`;
  if (!datasets.has(key)) datasets.set(key, loadClassificationDataset(name, dir === undefined ? {} : { dir }));
  return datasets.get(key)!;
}

/**
 * Draws the splits (long-tailed train, metric split, its twin; the test split only with
 * `withTest`), pretrains the backbone with cross-entropy on the train split (a CNN from the
 * pretrained cache when it was trained before), and returns φ = head + last FiLM with the data
 * finetune reads. The caller disposes it.
 *
 * ```ts
 * const p = await prepareImageProblem({ dataset: 'embedded', imbalance: 0.1, metricFraction: 0.2, splitSeed: 1,
 *   architecture: 'small-cnn', pretrainEpochs: 3, withTest: true }, reporter);
 * p.params.size;   // 778
 * ```
 */
export async function prepareImageProblem(settings: ImageProblemSettings, reporter: BenchReporter): Promise<ImageProblem> {
  const ds = await dataset(settings.dataset, settings.dataDir);
  const splits = classificationSplits(ds.train.labels, {
    imbalance: settings.imbalance, metricFraction: settings.metricFraction, numClasses: ds.numClasses, rng: new Rng(settings.splitSeed),
  });
  const normalize = channelStats(ds.train, splits.train);
  const inputShape = ds.train.shape.length === 3 ? [...ds.train.shape.slice(1), 1] : ds.train.shape.slice(1);
  const name = `${ds.name} (imbalance ${settings.imbalance})`;
  if (settings.architecture === 'mlp') return mlpProblem(ds, splits, normalize, inputShape, settings, name, reporter);

  const config = {
    format: 1, purpose: 'image-problem', dataset: ds.name, data: dataFingerprint(ds.train.images, ds.train.labels),
    trainRows: dataFingerprint(splits.train), model: { architecture: 'small-cnn', inputShape, numClasses: ds.numClasses, seed: settings.splitSeed },
    epochs: settings.pretrainEpochs, batchSize: 64, learningRate: 1e-3, normalize,
  };
  reporter.begin(`${ds.name} small-cnn pretrain (split seed ${settings.splitSeed})`, settings.pretrainEpochs, 'epochs');
  const entry = await loadOrPretrain<PretrainResult>({
    config,
    build: () => buildClassifier({ inputShape, numClasses: ds.numClasses, architecture: 'small-cnn', seed: settings.splitSeed }),
    train: (model) => pretrainClassifier(model, ds.train, {
      indices: splits.train, epochs: settings.pretrainEpochs, batchSize: 64, learningRate: 1e-3, seed: settings.splitSeed, normalize,
      onEpoch: (epoch, loss) => reporter.progress(epoch, `loss ${loss.toFixed(4)}`),
    }),
  });
  reporter.end(entry.cached ? `cached (${entry.dir})` : `CE ${entry.info.loss.toFixed(4)}, saved to ${entry.dir}`);
  const model = entry.model;
  const cut = cutModel(model, 'block3_film');
  const owned: tf.Tensor[] = [];
  try {
    const features = async (set: ImageDataset['train'], rows: ArrayLike<number>): Promise<Split> => {
      const split = await imageFeatures(cut.trunk, set, { indices: rows, normalize });
      owned.push(split.x, split.y);
      return split;
    };
    const train = await features(ds.train, splits.train);
    const metric = await features(ds.train, splits.metric);
    const twin = await features(ds.train, splits.twin);
    const test = settings.withTest ? await features(ds.test, Int32Array.from({ length: ds.test.labels.length }, (_, i) => i)) : null;
    return {
      model: cut.head, params: classifierParams(cut.head, ['block3_film']), train, metric, twin, test, dataset: name,
      backbone: 'small-cnn (conv16-conv32-dense64), FiLM on dense64', numClasses: ds.numClasses, pretrainCached: entry.cached,
      dispose: () => {
        tf.dispose(owned);
        cut.dispose();
        model.dispose();
      },
    };
  } catch (err) {
    tf.dispose(owned);
    cut.dispose();
    model.dispose();
    throw err;
  }
}

async function mlpProblem(
  ds: ImageDataset,
  splits: { train: Int32Array; metric: Int32Array; twin: Int32Array },
  normalize: { mean: number[]; std: number[] },
  inputShape: number[],
  settings: ImageProblemSettings,
  name: string,
  reporter: BenchReporter,
): Promise<ImageProblem> {
  const dim = inputShape.reduce((a, b) => a * b, 1);
  const hidden = settings.hidden ?? [64, 64];
  // Flattened pixels, normalised like the CNN's inputs (one channel: one mean and std).
  const rows = (set: ImageDataset['train'], idx: ArrayLike<number>) => {
    const x = new Float32Array(idx.length * dim);
    const y = new Int32Array(idx.length);
    const scale = set.images instanceof Uint8Array ? 1 / 255 : 1;
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r]!;
      for (let k = 0; k < dim; k++) x[r * dim + k] = (Number(set.images[i * dim + k]!) * scale - normalize.mean[0]!) / normalize.std[0]!;
      y[r] = set.labels[i]!;
    }
    return { x, y, n: idx.length, dim };
  };
  const backbone = mlpBackbone({ inputDim: dim, hidden, seed: settings.splitSeed });
  const model = withHead(backbone.model, { units: ds.numClasses, seed: settings.splitSeed });
  const owned = new OwnedSplits(model);
  const toSplit = (s: LabelledSamples): Split => owned.split(s);
  try {
    const trainRows = rows(ds.train, splits.train);
    reporter.begin(`${ds.name} mlp ${hidden.join('-')} pretrain (split seed ${settings.splitSeed})`, settings.pretrainEpochs, 'epochs');
    const loss = await pretrainCrossEntropy(model, trainRows, {
      epochs: settings.pretrainEpochs, batchSize: 64, learningRate: 1e-3, seed: settings.splitSeed,
      onEpoch: (epoch, l) => reporter.progress(epoch, `loss ${l.toFixed(4)}`),
    });
    reporter.end(`CE ${loss.toFixed(4)}`);
    const last = backbone.filmPoints.at(-1)!;
    return {
      model,
      params: combineViews(headParams(model), filmAdapters(model, { layers: [last] })),
      train: toSplit(trainRows),
      metric: toSplit(rows(ds.train, splits.metric)),
      twin: toSplit(rows(ds.train, splits.twin)),
      test: settings.withTest ? toSplit(rows(ds.test, Int32Array.from({ length: ds.test.labels.length }, (_, i) => i))) : null,
      dataset: name,
      backbone: `mlp ${hidden.join('-')} on pixels, FiLM ${last}`,
      numClasses: ds.numClasses,
      pretrainCached: false,
      dispose: () => owned.dispose(),
    };
  } catch (err) {
    owned.dispose();
    throw err;
  }
}
