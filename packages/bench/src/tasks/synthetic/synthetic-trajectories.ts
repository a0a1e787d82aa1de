import * as tf from '@tensorflow/tfjs-core';
import { Rng, combineViews, filmAdapters, headParams, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import type { BenchReporter } from '../../reporter.js';
import { finetuneTrajectoryRun, type TrajectoryRunKnobs } from '../../trajectory-finetune.js';
import type { TrajectoryRunPlan, TrajectorySink, TrajectorySource } from '../../trajectory-sources.js';
import { balancedErrorMetric } from '@metricopt/classification';
import { DEFAULT_MIXTURE, makeMixture, type LabelledSamples } from './gaussian-mixture.js';
import { pretrainCrossEntropy } from './pretrain.js';
import { DEFAULT_SPLIT_SIZES, makeSyntheticSplits } from './synthetic-splits.js';

/** One synthetic source run: a mixture ("dataset"), a data subset, an MLP, a mode and its knobs. */
export interface SyntheticTrajectorySettings extends TrajectoryRunKnobs {
  mixtureSeed: number;
  imbalance: number;
  head: number;
  hidden: number[];
  /** FiLM on the last hidden layer or on all of them. */
  film: 'last' | 'all';
  pretrainEpochs: number;
}

/** The variety a synthetic collection draws from (METHOD.md §6: seeds, learning rates, data subsets, backbones). */
export const SYNTHETIC_SOURCE_CHOICES = Object.freeze({
  mixtureSeeds: [0, 1, 2],
  imbalances: [0.05, 0.1, 0.2],
  heads: [1000, 2000],
  hidden: [[64, 64], [32, 32], [64], [48, 32]],
  film: ['last', 'all'] as const,
  // Loss-only and exploratory runs: the GP-guided, ES at two σ, and the loss+es ablation.
  modes: [
    { mode: 'loss', sigma: 0.1 }, { mode: 'loss+value', sigma: 0.1 }, { mode: 'es', sigma: 0.1 }, { mode: 'es', sigma: 0.2 },
    { mode: 'loss+es', sigma: 0.1 }, { mode: 'loss+value', sigma: 0.2 },
  ] as const,
  learningRates: [5e-4, 1e-3, 3e-3],
});

/** Settings of run `i` of a collection from `seed`, drawn from its own generator (independent of the plan's length). */
export function syntheticRunSettings(i: number, seed: number, steps = 150): SyntheticTrajectorySettings {
  const rng = new Rng(seed * 100_003 + i);
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)]!;
  const c = SYNTHETIC_SOURCE_CHOICES;
  const { mode, sigma } = pick(c.modes);
  return {
    mixtureSeed: pick(c.mixtureSeeds),
    imbalance: pick(c.imbalances),
    head: pick(c.heads),
    hidden: [...pick(c.hidden)],
    film: pick(c.film),
    mode,
    sigma,
    learningRate: pick(c.learningRates),
    seed: seed * 1000 + i,
    steps,
    observeEvery: 10,
    pretrainEpochs: 5,
  };
}

/**
 * The synthetic task as a meta-training source: imbalanced Gaussian mixtures (three geometries),
 * MLP backbones of several widths and depths with FiLM on the last or all hidden layers, head +
 * FiLM finetuned toward balanced error by a mix of modes.
 */
export function syntheticTrajectorySource(options: { steps?: number } = {}): TrajectorySource {
  return {
    task: 'synthetic',
    metric: { name: balancedErrorMetric.name, higherIsBetter: balancedErrorMetric.higherIsBetter },
    plan: (runs, seed) => Array.from({ length: runs }, (_, i): TrajectoryRunPlan => ({
      name: `run-${i}`,
      settings: { ...syntheticRunSettings(i, seed, options.steps) },
    })),
    collect: (run, sink, reporter) => collectSynthetic(run, sink, reporter),
  };
}

async function collectSynthetic(run: TrajectoryRunPlan, sink: TrajectorySink, reporter: BenchReporter): Promise<Record<string, unknown>> {
  const s = run.settings as unknown as SyntheticTrajectorySettings;
  const mixture = makeMixture({ ...DEFAULT_MIXTURE, geometrySeed: s.mixtureSeed });
  const splits = makeSyntheticSplits(mixture, { ...DEFAULT_SPLIT_SIZES, imbalance: s.imbalance, head: s.head }, s.seed);
  const train = toSplit(splits.train);
  const metricSplit = toSplit(splits.metric);
  const backbone = mlpBackbone({ inputDim: mixture.spec.dim, hidden: s.hidden, seed: s.seed });
  const model = withHead(backbone.model, { units: mixture.spec.numClasses, seed: s.seed });
  try {
    await pretrainCrossEntropy(model, splits.train, { epochs: s.pretrainEpochs, batchSize: 64, learningRate: 1e-3, seed: s.seed });
    const film = s.film === 'all' ? backbone.filmPoints : [backbone.filmPoints.at(-1)!];
    const params = combineViews(headParams(model), filmAdapters(model, { layers: film }));
    await sink.start({ dataset: `mixture-${s.mixtureSeed}/imbalance-${s.imbalance}`, backbone: `mlp ${s.hidden.join('-')}, FiLM ${s.film}`, layout: params.layout });
    return await finetuneTrajectoryRun(`synthetic ${run.name}`, s, { model, params, metric: balancedErrorMetric, data: { train, metric: metricSplit } }, sink, reporter);
  } finally {
    model.dispose();
    tf.dispose([train.x, train.y, metricSplit.x, metricSplit.y]);
  }
}

function toSplit(samples: LabelledSamples): Split {
  return { x: tf.tensor2d(samples.x, [samples.n, samples.dim]), y: tf.tensor1d(samples.y, 'int32') };
}
