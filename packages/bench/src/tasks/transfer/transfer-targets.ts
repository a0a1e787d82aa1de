import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { combineViews, filmAdapters, headParams, type Metric, type ParamView, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { classificationMetric } from '@metricopt/classification';
import type { BenchReporter } from '../../reporter.js';
import { prepareImageProblem } from '../classification/image-problem.js';
import { balancedErrorMetric } from '@metricopt/classification';
import { DEFAULT_MIXTURE, makeMixture, type LabelledSamples } from '../synthetic/gaussian-mixture.js';
import { OwnedSplits } from '../synthetic/owned-splits.js';
import { pretrainCrossEntropy } from '../synthetic/pretrain.js';
import { DEFAULT_SPLIT_SIZES, makeSyntheticSplits } from '../synthetic/synthetic-splits.js';

/** A held-out problem of the transfer experiment, ready to finetune. The caller disposes it. */
export interface TargetProblem {
  model: tfl.LayersModel;
  params: ParamView;
  metric: Metric;
  train: Split;
  /** The metric split: observed by finetuning; steps to target are counted on it. */
  metricSplit: Split;
  /** Never observed: drawn like the metric split (tells a real gain from split noise). */
  twin: Split;
  /** Never observed or used for selection: evaluation only. */
  test: Split;
  dataset: string;
  backbone: string;
  dispose(): void;
}

/** Where a target differs from the meta-training sources (the synthetic task: Gaussian mixtures 0–2, MLPs up to 64 wide). */
export type TargetShift = 'dataset' | 'architecture' | 'dataset+architecture';

export interface TransferTarget {
  name: string;
  shift: TargetShift;
  description: string;
  prepare(seed: number, options: { imageDataset: string; dataDir?: string }, reporter: BenchReporter): Promise<TargetProblem>;
}

/** Long-tailed Fashion-MNIST images (class c keeps 0.1^(c/9)), a 20% metric split: smaller than the mixtures' and noisier. */
const IMAGE_SPLITS = { imbalance: 0.1, metricFraction: 0.2 } as const;
/** Short pretraining: loss-only finetuning of head + FiLM must still have somewhere to go, or its final metric is φ₀'s. */
const IMAGE_PRETRAIN_EPOCHS = { mlp: 5, 'small-cnn': 2 } as const;

/**
 * The held-out targets: every one observes balanced error (the metric the sources' net learned; a
 * net is refused for another metric), none is a source problem.
 */
export const TRANSFER_TARGETS: readonly TransferTarget[] = Object.freeze([
  {
    name: 'fashion-mlp',
    shift: 'dataset',
    description: 'Fashion-MNIST images (not a Gaussian mixture), the sources\' kind of backbone: an MLP 64-64 on the pixels, FiLM on its last layer',
    prepare: async (seed, options, reporter) => imageTarget(seed, options, 'mlp', reporter),
  },
  {
    name: 'fashion-cnn',
    shift: 'dataset+architecture',
    description: 'Fashion-MNIST images with a small CNN (conv16-conv32-dense64, FiLM on dense64): a backbone no source used',
    prepare: async (seed, options, reporter) => imageTarget(seed, options, 'small-cnn', reporter),
  },
  {
    name: 'mixture-deep',
    shift: 'architecture',
    description: 'a source dataset (Gaussian mixture 0) with a wider, deeper MLP (128-128-128, FiLM on all three layers) than any source',
    prepare: async (seed, _options, reporter) => mixtureTarget(seed, reporter),
  },
]);

async function imageTarget(seed: number, options: { imageDataset: string; dataDir?: string }, architecture: 'mlp' | 'small-cnn', reporter: BenchReporter): Promise<TargetProblem> {
  const p = await prepareImageProblem({
    dataset: options.imageDataset, ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}), ...IMAGE_SPLITS, splitSeed: seed,
    architecture, ...(architecture === 'mlp' ? { hidden: [64, 64] } : {}), pretrainEpochs: IMAGE_PRETRAIN_EPOCHS[architecture], withTest: true,
  }, reporter);
  return {
    model: p.model, params: p.params, metric: classificationMetric('balanced-error'), train: p.train, metricSplit: p.metric, twin: p.twin,
    test: p.test!, dataset: p.dataset, backbone: p.backbone, dispose: () => p.dispose(),
  };
}

async function mixtureTarget(seed: number, reporter: BenchReporter): Promise<TargetProblem> {
  const mixture = makeMixture({ ...DEFAULT_MIXTURE, geometrySeed: 0 });
  const splits = makeSyntheticSplits(mixture, { ...DEFAULT_SPLIT_SIZES, imbalance: 0.05 }, seed);
  const hidden = [128, 128, 128];
  const backbone = mlpBackbone({ inputDim: mixture.spec.dim, hidden, seed });
  const model = withHead(backbone.model, { units: mixture.spec.numClasses, seed });
  const owned = new OwnedSplits(model);
  const toSplit = (s: LabelledSamples): Split => owned.split(s);
  try {
    reporter.begin(`mixture-0 mlp ${hidden.join('-')} pretrain (seed ${seed})`, 5, 'epochs');
    const loss = await pretrainCrossEntropy(model, splits.train, { epochs: 5, batchSize: 64, learningRate: 1e-3, seed, onEpoch: (e, l) => reporter.progress(e, `loss ${l.toFixed(4)}`) });
    reporter.end(`CE ${loss.toFixed(4)}`);
    return {
      model,
      params: combineViews(headParams(model), filmAdapters(model, { layers: backbone.filmPoints })),
      metric: balancedErrorMetric,
      train: toSplit(splits.train),
      metricSplit: toSplit(splits.metric),
      twin: toSplit(splits.twin),
      test: toSplit(splits.test),
      dataset: 'Gaussian mixture 0 (imbalance 0.05)',
      backbone: `mlp ${hidden.join('-')}, FiLM on all layers`,
      dispose: () => owned.dispose(),
    };
  } catch (err) {
    owned.dispose();
    throw err;
  }
}
