import * as tf from '@tensorflow/tfjs-core';
import {
  inverseFrequencyWeights,
  weightedCrossEntropy,
  type Metric,
  type Split,
} from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { UsageError } from '../../bench-config.js';
import { isPositiveInt, optionValues } from '../../task-option-values.js';
import type { BenchConfig, BenchTask, TaskOption } from '../../registry.js';
import type { BenchReporter } from '../../reporter.js';
import { ResultsBuilder, type BenchResult } from '../../results.js';
import { runMethods, type BenchMethod } from '../../method-runner.js';
import { METHOD_KNOB_OPTIONS, resolveMethodKnobs } from './method-knobs.js';
import { balancedErrorMetric, worstClassErrorMetric } from '@metricopt/classification';
import { DEFAULT_MIXTURE, makeMixture, type LabelledSamples } from './gaussian-mixture.js';
import { pretrainStart } from './pretrain-start.js';
import { SYNTHETIC_DEFAULT_METHODS, SYNTHETIC_METHODS } from './synthetic-methods.js';
import { DEFAULT_SPLIT_SIZES, makeSyntheticSplits } from './synthetic-splits.js';

export { chooseFilmLayers } from './pretrain-start.js';

/** The knobs of the synthetic suite (CLI: `--imbalance 0.1`, `--hidden 64,64`, …). */
export interface SyntheticSettings {
  steps: number;
  classes: number;
  dim: number;
  modes: number;
  separation: number;
  modeSpread: number;
  mixtureSeed: number;
  head: number;
  imbalance: number;
  metricFraction: number;
  testPerClass: number;
  hidden: number[];
  /** FiLM layers to adapt besides the head: names, or 'last' / 'all' / 'none'. */
  film: string[];
  pretrainEpochs: number;
  pretrainLearningRate: number;
  learningRate: number;
  batchSize: number;
  observeEvery: number;
  /** Added to every run seed (`--seeds 5 --seed-offset 100` runs seeds 101–105: tuning seeds apart from the reported 1–5). */
  seedOffset: number;
}

export const SYNTHETIC_DATASETS = ['long-tailed', 'balanced'] as const;

export const SYNTHETIC_METRICS: Readonly<Record<string, Metric>> = Object.freeze({
  'balanced-error': balancedErrorMetric,
  'worst-class-error': worstClassErrorMetric,
});

export const DEFAULT_SYNTHETIC_SETTINGS: SyntheticSettings = Object.freeze({
  steps: 300,
  classes: DEFAULT_MIXTURE.numClasses,
  dim: DEFAULT_MIXTURE.dim,
  modes: DEFAULT_MIXTURE.modesPerClass,
  separation: DEFAULT_MIXTURE.separation,
  modeSpread: DEFAULT_MIXTURE.modeSpread,
  mixtureSeed: DEFAULT_MIXTURE.geometrySeed,
  head: DEFAULT_SPLIT_SIZES.head,
  imbalance: DEFAULT_SPLIT_SIZES.imbalance,
  metricFraction: DEFAULT_SPLIT_SIZES.metricFraction,
  testPerClass: DEFAULT_SPLIT_SIZES.testPerClass,
  hidden: [64, 64],
  film: ['last'],
  pretrainEpochs: 5,
  pretrainLearningRate: 1e-3,
  learningRate: 1e-3,
  batchSize: 128,
  observeEvery: 10,
  seedOffset: 0,
});

const OPTIONS: TaskOption[] = [
  { flags: '--imbalance <ratio>', type: 'float', description: 'class c keeps ratio^(c/(C-1)) of the largest class (default 0.05; 1 for the balanced dataset)' },
  { flags: '--classes <n>', type: 'int', description: `number of classes (default ${DEFAULT_SYNTHETIC_SETTINGS.classes})` },
  { flags: '--dim <n>', type: 'int', description: `input dimension (default ${DEFAULT_SYNTHETIC_SETTINGS.dim})` },
  { flags: '--modes <n>', type: 'int', description: `Gaussian blobs per class (default ${DEFAULT_SYNTHETIC_SETTINGS.modes})` },
  { flags: '--separation <d>', type: 'float', description: `typical distance between class centres, in noise stds (default ${DEFAULT_SYNTHETIC_SETTINGS.separation})` },
  { flags: '--mode-spread <d>', type: 'float', description: `typical distance of a class's blobs from its centre (default ${DEFAULT_SYNTHETIC_SETTINGS.modeSpread})` },
  { flags: '--mixture-seed <n>', type: 'int', description: 'seed of the mixture geometry (the "dataset"; run seeds vary the samples)' },
  { flags: '--head <n>', type: 'int', description: `samples of the largest class before the metric split (default ${DEFAULT_SYNTHETIC_SETTINGS.head})` },
  { flags: '--metric-fraction <f>', type: 'float', description: 'share of the training pool held out as the metric split (default 0.15)' },
  { flags: '--test-per-class <n>', type: 'int', description: `samples per class of the balanced test split (default ${DEFAULT_SYNTHETIC_SETTINGS.testPerClass})` },
  { flags: '--hidden <widths>', type: 'list', description: 'hidden layer widths of the MLP (default 64,64)' },
  { flags: '--film <layers>', type: 'list', description: "FiLM layers adapted with the head: names, 'last' (default), 'all' or 'none'" },
  { flags: '--pretrain-epochs <n>', type: 'int', description: `cross-entropy pretraining epochs (default ${DEFAULT_SYNTHETIC_SETTINGS.pretrainEpochs})` },
  { flags: '--lr <rate>', type: 'float', description: 'finetune Adam learning rate (default 1e-3)' },
  { flags: '--batch-size <n>', type: 'int', description: `finetune batch size (default ${DEFAULT_SYNTHETIC_SETTINGS.batchSize})` },
  { flags: '--observe-every <n>', type: 'int', description: `steps between observation rounds (default ${DEFAULT_SYNTHETIC_SETTINGS.observeEvery})` },
  { flags: '--seed-offset <n>', type: 'int', description: 'added to every seed: tune on 101–105 (--seed-offset 100), report 1–5 (default 0)' },
  ...METHOD_KNOB_OPTIONS,
];

/** The settings of a run: defaults, then the dataset's, then the CLI's. */
export function resolveSyntheticSettings(config: Pick<BenchConfig, 'dataset' | 'steps' | 'options'>): SyntheticSettings {
  const o = config.options;
  const s: SyntheticSettings = { ...DEFAULT_SYNTHETIC_SETTINGS, hidden: [...DEFAULT_SYNTHETIC_SETTINGS.hidden] };
  if (config.dataset === 'balanced') s.imbalance = 1;
  else if (config.dataset !== 'long-tailed') {
    throw new UsageError(`unknown dataset '${config.dataset}' for task 'synthetic'; known: ${SYNTHETIC_DATASETS.join(', ')}`);
  }
  if (config.steps !== undefined) s.steps = config.steps;
  const { num } = optionValues(o);
  const posInt = isPositiveInt;
  s.imbalance = num('imbalance', (v) => v > 0 && v <= 1, 'a ratio in (0, 1]') ?? s.imbalance;
  s.classes = num('classes', (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2') ?? s.classes;
  s.dim = num('dim', posInt, 'a positive integer') ?? s.dim;
  s.modes = num('modes', posInt, 'a positive integer') ?? s.modes;
  s.separation = num('separation', (v) => v > 0, 'a positive number') ?? s.separation;
  s.modeSpread = num('modeSpread', (v) => v >= 0, 'a number ≥ 0') ?? s.modeSpread;
  s.mixtureSeed = num('mixtureSeed', Number.isInteger, 'an integer') ?? s.mixtureSeed;
  s.head = num('head', (v) => Number.isInteger(v) && v >= 10, 'an integer ≥ 10') ?? s.head;
  s.metricFraction = num('metricFraction', (v) => v > 0 && v < 1, 'a fraction in (0, 1)') ?? s.metricFraction;
  s.testPerClass = num('testPerClass', posInt, 'a positive integer') ?? s.testPerClass;
  s.pretrainEpochs = num('pretrainEpochs', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0') ?? s.pretrainEpochs;
  s.learningRate = num('lr', (v) => v > 0, 'a positive number') ?? s.learningRate;
  s.batchSize = num('batchSize', posInt, 'a positive integer') ?? s.batchSize;
  s.observeEvery = num('observeEvery', posInt, 'a positive integer') ?? s.observeEvery;
  s.seedOffset = num('seedOffset', (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0') ?? s.seedOffset;
  if (o.hidden !== undefined) {
    const widths = (o.hidden as string[]).map(Number);
    if (widths.length === 0 || !widths.every(posInt)) throw new UsageError(`--hidden expects positive integers like 64,64, got ${String(o.hidden)}`);
    s.hidden = widths;
  }
  if (o.film !== undefined) s.film = [...(o.film as string[])];
  return s;
}

/**
 * The synthetic suite: an imbalanced Gaussian mixture where cross-entropy and balanced error
 * disagree. Per seed: draw the splits, pretrain an MLP with plain CE, then finetune head + FiLM
 * from that same φ₀ with every method, on the same budget; measure test, metric split and twin.
 */
export async function runSynthetic(config: BenchConfig, reporter: BenchReporter): Promise<BenchResult> {
  const settings = resolveSyntheticSettings(config);
  const metricName = config.metric ?? 'balanced-error';
  const metric = SYNTHETIC_METRICS[metricName];
  if (metric === undefined) {
    throw new UsageError(`unknown metric '${metricName}' for task 'synthetic'; known: ${Object.keys(SYNTHETIC_METRICS).join(', ')}`);
  }
  for (const m of config.methods) {
    if (SYNTHETIC_METHODS[m] === undefined) {
      throw new UsageError(`unknown method '${m}' for task 'synthetic'; known methods: ${Object.keys(SYNTHETIC_METHODS).join(', ')}`);
    }
  }
  const mixture = makeMixture({
    numClasses: settings.classes,
    dim: settings.dim,
    modesPerClass: settings.modes,
    separation: settings.separation,
    modeSpread: settings.modeSpread,
    geometrySeed: settings.mixtureSeed,
  });
  const builder = new ResultsBuilder({
    task: 'synthetic',
    dataset: config.dataset,
    metric: { name: metric.name, higherIsBetter: metric.higherIsBetter },
    settings: { ...settings, seeds: config.seeds.map((s) => s + settings.seedOffset), methods: config.methods, knobs: resolveMethodKnobs(config.options) },
  });

  const knobs = resolveMethodKnobs(config.options);
  for (const seed of config.seeds.map((s) => s + settings.seedOffset)) {
    const splits = makeSyntheticSplits(mixture, settings, seed);
    const tensors = {
      train: toSplit(splits.train),
      metric: toSplit(splits.metric),
      twin: toSplit(splits.twin),
      test: toSplit(splits.test),
    };
    const backbone = mlpBackbone({ inputDim: settings.dim, hidden: settings.hidden, seed });
    const model = withHead(backbone.model, { units: settings.classes, seed });
    try {
      const { params, before } = await pretrainStart({
        seed, model, filmPoints: backbone.filmPoints, film: settings.film, train: splits.train,
        epochs: settings.pretrainEpochs, learningRate: settings.pretrainLearningRate, metric, test: tensors.test,
      }, reporter);
      const weights = inverseFrequencyWeights(splits.train.y, settings.classes);

      const catalog: Record<string, BenchMethod> = {};
      for (const name of config.methods) {
        const method = SYNTHETIC_METHODS[name]!;
        // The CLI's knobs win over a method's own options; GP knobs are merged key by key.
        const gp = method.options?.gp && knobs.gp ? { gp: { ...method.options.gp, ...knobs.gp } } : {};
        catalog[name] = {
          mode: method.mode,
          ...(method.weighted ? { loss: weightedCrossEntropy(weights) } : {}),
          options: { ...method.options, ...knobs, ...gp },
        };
      }
      await runMethods({
        seed,
        model,
        params,
        metric,
        methods: config.methods,
        catalog,
        data: { train: tensors.train, metric: tensors.metric },
        evaluation: { test: tensors.test, metric: tensors.metric, twin: tensors.twin },
        steps: settings.steps,
        optimizer: () => tf.train.adam(settings.learningRate),
        finetune: { batchSize: settings.batchSize, observeEvery: settings.observeEvery },
        ...(config.valueFunction !== undefined ? { valueFunction: config.valueFunction } : {}),
        before,
        builder,
        reporter,
      });
    } finally {
      // Disposes the backbone's layers too (the model holds them; disposing both would throw).
      model.dispose();
      tf.dispose([tensors.train, tensors.metric, tensors.twin, tensors.test].flatMap((s) => [s.x, s.y]));
    }
  }
  return builder.build();
}

function toSplit(samples: LabelledSamples): Split {
  return { x: tf.tensor2d(samples.x, [samples.n, samples.dim]), y: tf.tensor1d(samples.y, 'int32') };
}


/** The registry entry (`metricopt bench synthetic`). */
export const syntheticTask: BenchTask = {
  name: 'synthetic',
  description: 'imbalanced Gaussian mixture, MLP head + FiLM: where cross-entropy and balanced error disagree',
  datasets: SYNTHETIC_DATASETS,
  metrics: Object.keys(SYNTHETIC_METRICS),
  methods: Object.keys(SYNTHETIC_METHODS),
  defaultMethods: SYNTHETIC_DEFAULT_METHODS,
  options: OPTIONS,
  demo: { dataset: 'long-tailed', methods: ['loss', 'metricopt', 'es', 'weighted-ce'], seeds: [1], steps: 100 },
  run: runSynthetic,
};
