import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ValueFunction, checkValueFunction, configKey, finetuneValueOptions, isDirectory, loadValueFunction, metricoptCacheDir } from '@metricopt/core';
import { UsageError } from '../../bench-config.js';
import { META_TRAIN_INFO, TRAJECTORY_SOURCES, runMetaTrain } from '../../meta-train.js';
import { runMethods, type BenchMethod } from '../../method-runner.js';
import type { BenchConfig, BenchTask, TaskOption } from '../../registry.js';
import type { BenchReporter } from '../../reporter.js';
import { ResultsBuilder, type BenchResult, type RunRecord } from '../../results.js';
import { readCurve } from '../../report/curve.js';
import { stepsToTarget } from './steps-to-target.js';
import { TRANSFER_TARGETS, type TargetProblem, type TransferTarget } from './transfer-targets.js';

/** The knobs of the transfer experiment (CLI: `--targets fashion-cnn`, `--source-runs 24`, …). */
export interface TransferSettings {
  /** Finetune steps per target run (the budget steps-to-target is counted in). */
  steps: number;
  observeEvery: number;
  learningRate: number;
  batchSize: number;
  warmupRounds: number;
  targets: string[];
  /** Meta-training: source tasks, runs per task, finetune steps per source run, Adam steps of the net, seed. */
  sources: string[];
  sourceRuns: number;
  sourceSteps: number;
  trainSteps: number;
  metaSeed: number;
  /** `calibrate`: the prior's scale is refitted on the target's own rounds at every round (least squares); `fixed`: as meta-trained. */
  priorOnline: 'fixed' | 'calibrate';
  /** Added to every seed: tune on 101–103 (`--seed-offset 100`), report 1–3. */
  seedOffset: number;
}

export const DEFAULT_TRANSFER_SETTINGS: Readonly<TransferSettings> = Object.freeze({
  steps: 150,
  observeEvery: 10,
  learningRate: 1e-3,
  batchSize: 128,
  warmupRounds: 3,
  targets: TRANSFER_TARGETS.map((t) => t.name),
  sources: ['synthetic'],
  sourceRuns: 24,
  sourceSteps: 150,
  trainSteps: 400,
  metaSeed: 1,
  priorOnline: 'fixed',
  seedOffset: 0,
});

const OPTIONS: TaskOption[] = [
  { flags: '--targets <list>', type: 'list', description: `held-out targets, of: ${TRANSFER_TARGETS.map((t) => t.name).join(', ')} (default all)` },
  { flags: '--sources <list>', type: 'list', description: `meta-training source tasks, of: ${Object.keys(TRAJECTORY_SOURCES).join(', ')} (default synthetic)` },
  { flags: '--source-runs <n>', type: 'int', description: 'finetuning runs per source task (default 24)' },
  { flags: '--source-steps <n>', type: 'int', description: 'finetune steps per source run (default 150)' },
  { flags: '--train-steps <n>', type: 'int', description: 'Adam steps of the meta-trained net (default 400)' },
  { flags: '--meta-seed <n>', type: 'int', description: 'seed of the source runs and the net (default 1)' },
  { flags: '--prior-online <rule>', type: 'string', description: "fixed (default): the prior as meta-trained; calibrate: its scale refitted on the target's rounds" },
  { flags: '--lr <rate>', type: 'float', description: 'finetune Adam learning rate on the targets (default 1e-3)' },
  { flags: '--observe-every <n>', type: 'int', description: 'steps between observation rounds (default 10)' },
  { flags: '--seed-offset <n>', type: 'int', description: 'added to every seed: tune on 101–103 (--seed-offset 100), report 1–3 (default 0)' },
];

export const TRANSFER_METHODS = ['loss', 'fresh', 'meta-trained'] as const;

/** The settings of a run: defaults, then the CLI's. */
export function resolveTransferSettings(config: Pick<BenchConfig, 'steps' | 'options'>, known: readonly TransferTarget[] = TRANSFER_TARGETS): TransferSettings {
  const o = config.options;
  const s: TransferSettings = { ...DEFAULT_TRANSFER_SETTINGS, targets: known.map((t) => t.name), sources: [...DEFAULT_TRANSFER_SETTINGS.sources] };
  if (config.steps !== undefined) s.steps = config.steps;
  const int = (key: string, min: number): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new UsageError(`--${kebab(key)} expects an integer ≥ ${min}, got ${String(v)}`);
    return v;
  };
  s.sourceRuns = int('sourceRuns', 1) ?? s.sourceRuns;
  s.sourceSteps = int('sourceSteps', 10) ?? s.sourceSteps;
  s.trainSteps = int('trainSteps', 0) ?? s.trainSteps;
  s.metaSeed = int('metaSeed', 0) ?? s.metaSeed;
  s.observeEvery = int('observeEvery', 1) ?? s.observeEvery;
  s.seedOffset = int('seedOffset', 0) ?? s.seedOffset;
  if (o.lr !== undefined) {
    if (typeof o.lr !== 'number' || !(o.lr > 0)) throw new UsageError(`--lr expects a positive number, got ${String(o.lr)}`);
    s.learningRate = o.lr;
  }
  if (o.priorOnline !== undefined) {
    if (o.priorOnline !== 'fixed' && o.priorOnline !== 'calibrate') throw new UsageError(`--prior-online expects fixed or calibrate, got ${String(o.priorOnline)}`);
    s.priorOnline = o.priorOnline;
  }
  if (o.targets !== undefined) {
    const names = known.map((t) => t.name);
    for (const t of o.targets as string[]) if (!names.includes(t)) throw new UsageError(`unknown target '${t}' for task 'transfer'; known: ${names.join(', ')}`);
    if ((o.targets as string[]).length === 0) throw new UsageError(`--targets needs at least one of: ${names.join(', ')}`);
    s.targets = [...new Set(o.targets as string[])];
  }
  if (o.sources !== undefined) {
    for (const t of o.sources as string[]) {
      if (!Object.hasOwn(TRAJECTORY_SOURCES, t)) throw new UsageError(`unknown source task '${t}'; meta-training knows: ${Object.keys(TRAJECTORY_SOURCES).join(', ')}`);
    }
    s.sources = [...new Set(o.sources as string[])];
  }
  return s;
}

/**
 * The meta-trained value function for these settings: from the cache
 * (`$METRICOPT_CACHE/transfer/<key of the meta-training settings>/`) when it was trained before,
 * else collected and trained there (resumably), so every seed and later run reuses it.
 */
export async function metaTrainedValueFunction(settings: TransferSettings, reporter: BenchReporter, cacheRoot = metricoptCacheDir('transfer')): Promise<{ dir: string; cached: boolean; info: Record<string, unknown> }> {
  const key = { format: 1, sources: settings.sources, runsPerTask: settings.sourceRuns, steps: settings.sourceSteps, trainSteps: settings.trainSteps, seed: settings.metaSeed };
  const dir = join(cacheRoot, configKey(key));
  if (await isDirectory(dir)) {
    try {
      const info = JSON.parse(await readFile(join(dir, META_TRAIN_INFO), 'utf8')) as Record<string, unknown>;
      await readFile(join(dir, 'metadata.json'));
      reporter.log(`meta-trained value function: cached (${dir})`);
      return { dir, cached: true, info };
    } catch {
      // Not finished: collection resumes from the trajectories already there.
    }
  }
  reporter.log(`meta-training on ${settings.sources.join(', ')} (${settings.sourceRuns} runs each) into ${dir}`);
  const summary = await runMetaTrain({
    tasks: settings.sources, out: dir, runsPerTask: settings.sourceRuns, seed: settings.metaSeed, steps: settings.sourceSteps,
    training: { steps: settings.trainSteps },
  }, reporter);
  return { dir, cached: false, info: summary as unknown as Record<string, unknown> };
}

/**
 * The transfer experiment (METHOD.md §6). Meta-train a `set`-encoder value function on the
 * source tasks (or take `--value-function DIR`), then on every held-out target and seed finetune
 * from the same φ₀ with `loss` (loss only: it sets the target metric), `fresh` (MetricOpt with the
 * local GP alone) and `meta-trained` (the same GP with the meta-trained prior mean, learning online).
 * Per run: the test metric, and `stepsToTarget` — steps until the metric split first reached the
 * metric loss-only finetuning ended at there (the budget if never).
 */
export async function runTransfer(config: BenchConfig, reporter: BenchReporter, known: readonly TransferTarget[] = TRANSFER_TARGETS): Promise<BenchResult> {
  const settings = resolveTransferSettings(config, known);
  const methodNames: readonly string[] = TRANSFER_METHODS;
  for (const m of config.methods) if (!methodNames.includes(m)) throw new UsageError(`unknown method '${m}' for task 'transfer'; known methods: ${methodNames.join(', ')}`);
  const metric = { name: 'balanced-error', higherIsBetter: false };
  // A given value function is checked before anything is pretrained.
  if (config.valueFunction !== undefined) await checkValueFunction(config.valueFunction, { metric });
  const prior = config.valueFunction !== undefined
    ? { dir: config.valueFunction, cached: true, info: { given: config.valueFunction } }
    : await metaTrainedValueFunction(settings, reporter);
  const targets = settings.targets.map((name) => known.find((t) => t.name === name)!);
  const builder = new ResultsBuilder({
    task: 'transfer',
    dataset: settings.targets.join(', '),
    metric,
    baseline: 'fresh',
    settings: {
      ...settings, seeds: config.seeds.map((s) => s + settings.seedOffset), methods: config.methods, imageDataset: config.dataset,
      targetShifts: Object.fromEntries(targets.map((t) => [t.name, t.shift])),
      valueFunction: prior.dir, metaTraining: summariseMeta(prior.info),
    },
  });
  const valueOptions = finetuneValueOptions({ warmupRounds: settings.warmupRounds });
  const catalog: Record<string, BenchMethod> = {
    loss: { mode: 'loss' },
    fresh: { mode: 'loss+value', valueFunction: async () => new ValueFunction(valueOptions) },
    'meta-trained': {
      mode: 'loss+value',
      valueFunction: (params) => loadValueFunction(prior.dir, {
        layout: params.layout, metric, ...valueOptions,
        ...(settings.priorOnline === 'calibrate' ? { trainGlobalOnline: { steps: 0 } } : {}),
      }),
    },
  };
  // Loss-only sets the target, so it always runs first (and is reported only when asked for).
  const methods = ['loss', ...config.methods.filter((m) => m !== 'loss')];
  for (const seed of config.seeds.map((s) => s + settings.seedOffset)) {
    for (const target of targets) {
      const problem: TargetProblem = await target.prepare(seed, { imageDataset: config.dataset, ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}) }, reporter);
      try {
        const scratch = new ResultsBuilder({ task: 'transfer', dataset: target.name, metric });
        const records = await runMethods({
          seed, model: problem.model, params: problem.params, metric: problem.metric, methods, catalog,
          data: { train: problem.train, metric: problem.metricSplit },
          evaluation: { test: problem.test, metric: problem.metricSplit, twin: problem.twin },
          steps: settings.steps,
          optimizer: () => tf.train.adam(settings.learningRate),
          finetune: { batchSize: settings.batchSize, observeEvery: settings.observeEvery, warmupRounds: settings.warmupRounds },
          extra: { target: target.name, shift: target.shift, paramCount: problem.params.size, backbone: problem.backbone, targetDataset: problem.dataset },
          builder: scratch,
          reporter,
        });
        const goal = records[0]!.metricSplitAfter!;
        const steps = records.map((r) => stepsToTarget(readCurve(r) ?? [], goal, metric.higherIsBetter, settings.steps));
        records.forEach((record, i) => {
          if (!config.methods.includes(methods[i]!)) return;
          const run: RunRecord = { ...record, targetMetric: goal, stepsToTarget: steps[i]! };
          builder.addRun(methods[i]!, run);
        });
        reporter.log(`seed ${seed} ${target.name}: loss-only ends at ${goal.toFixed(4)} on the metric split; steps to it: ` +
          methods.map((m, i) => `${m} ${steps[i]}`).join(', '));
      } finally {
        problem.dispose();
      }
    }
  }
  return builder.build();
}

function summariseMeta(info: Record<string, unknown>): Record<string, unknown> {
  const training = info.training as Record<string, unknown> | undefined;
  if (training === undefined) return info;
  return { tasks: info.tasks, runsPerTask: info.runsPerTask, seed: info.seed, runs: training.runs, rounds: training.rounds, layouts: training.layouts, tauInSample: training.tau };
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The registry entry (`metricopt bench transfer`). */
export const transferTask: BenchTask = {
  name: 'transfer',
  description: 'meta-trained value function (set encoder, trained on source tasks) vs the local GP alone, on held-out datasets and architectures: steps to loss-only\'s metric',
  datasets: ['embedded', 'fashion-mnist'],
  metrics: ['balanced-error'],
  methods: TRANSFER_METHODS,
  defaultMethods: TRANSFER_METHODS,
  options: OPTIONS,
  run: runTransfer,
};
