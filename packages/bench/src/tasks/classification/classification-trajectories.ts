import { Rng } from '@metricopt/core';
import { classificationMetric } from '@metricopt/classification';
import type { BenchReporter } from '../../reporter.js';
import { finetuneTrajectoryRun, type TrajectoryRunKnobs } from '../../trajectory-finetune.js';
import type { TrajectoryRunPlan, TrajectorySink, TrajectorySource } from '../../trajectory-sources.js';
import { prepareImageProblem, type ImageProblemSettings } from './image-problem.js';

/** One classification source run: a split of the dataset (data subset), a backbone, a mode and its knobs. */
export interface ClassificationTrajectorySettings extends TrajectoryRunKnobs {
  problem: Omit<ImageProblemSettings, 'withTest'>;
}

const CHOICES = Object.freeze({
  imbalances: [0.05, 0.2],
  // Two pretrained models per imbalance at most: a CNN pretrain is the costly part of a run.
  splitSeeds: [1, 2],
  architectures: ['small-cnn', 'mlp'] as const,
  modes: [
    { mode: 'loss', sigma: 0.1 }, { mode: 'loss+value', sigma: 0.1 }, { mode: 'es', sigma: 0.1 }, { mode: 'es', sigma: 0.2 }, { mode: 'loss+es', sigma: 0.1 },
  ] as const,
  learningRates: [5e-4, 1e-3, 3e-3],
});

/** Settings of run `i` of a collection from `seed` (its own generator: independent of the plan's length). */
export function classificationRunSettings(i: number, seed: number, options: { dataset?: string; steps?: number } = {}): ClassificationTrajectorySettings {
  const rng = new Rng(seed * 100_019 + i);
  const pick = <T>(list: readonly T[]): T => list[rng.int(list.length)]!;
  const { mode, sigma } = pick(CHOICES.modes);
  const architecture = pick(CHOICES.architectures);
  return {
    problem: {
      dataset: options.dataset ?? 'embedded', imbalance: pick(CHOICES.imbalances), metricFraction: 0.2, splitSeed: pick(CHOICES.splitSeeds),
      architecture, ...(architecture === 'mlp' ? { hidden: [64, 64] } : {}), pretrainEpochs: 3,
    },
    mode, sigma, learningRate: pick(CHOICES.learningRates), seed: seed * 1000 + i, steps: options.steps ?? 150, observeEvery: 10,
  };
}

/**
 * The classification task as a meta-training source: long-tailed splits of an image dataset (the
 * embedded Fashion-MNIST subset by default), a small CNN or an MLP on pixels, head + last FiLM
 * finetuned toward balanced error by a mix of modes. The test split is never read.
 */
export function classificationTrajectorySource(options: { dataset?: string; steps?: number } = {}): TrajectorySource {
  const metric = classificationMetric('balanced-error');
  return {
    task: 'classification',
    metric: { name: metric.name, higherIsBetter: metric.higherIsBetter },
    plan: (runs, seed) => Array.from({ length: runs }, (_, i): TrajectoryRunPlan => ({
      name: `run-${i}`,
      settings: { ...classificationRunSettings(i, seed, options) },
    })),
    collect: (run, sink, reporter) => collectClassification(run, sink, reporter),
  };
}

async function collectClassification(run: TrajectoryRunPlan, sink: TrajectorySink, reporter: BenchReporter): Promise<Record<string, unknown>> {
  const s = run.settings as unknown as ClassificationTrajectorySettings;
  const metric = classificationMetric('balanced-error');
  const problem = await prepareImageProblem({ ...s.problem, withTest: false }, reporter);
  try {
    await sink.start({ dataset: problem.dataset, backbone: problem.backbone, layout: problem.params.layout });
    return await finetuneTrajectoryRun(`classification ${run.name}`, s, {
      model: problem.model, params: problem.params, metric, data: { train: problem.train, metric: problem.metric },
    }, sink, reporter);
  } finally {
    problem.dispose();
  }
}
