import { relative } from 'node:path';
import { join } from 'node:path';
import { metaTrainValueNet, readTrajectory, writeJsonAtomic, type MetaTrainOptions } from '@metricopt/core';
import { UsageError } from './bench-config.js';
import { collectTrajectories, type CollectedRun } from './collect-trajectories.js';
import type { BenchReporter } from './reporter.js';
import { classificationTrajectorySource } from './tasks/classification/classification-trajectories.js';
import { syntheticTrajectorySource } from './tasks/synthetic/synthetic-trajectories.js';
import type { TrajectorySource } from './trajectory-sources.js';

/** The tasks that can feed meta-training, by bench task name (a task adds its source here, one line). */
export const TRAJECTORY_SOURCES: Readonly<Record<string, (options: { steps?: number }) => TrajectorySource>> = Object.freeze({
  synthetic: syntheticTrajectorySource,
  classification: classificationTrajectorySource,
});

/** The file beside the saved net that says how it was made. */
export const META_TRAIN_INFO = 'meta-train.json';

export interface MetaTrainSettings {
  tasks: string[];
  /** Where trajectories (`<out>/trajectories/`) and the net (model.json, weights.bin, metadata.json) go. */
  out: string;
  runsPerTask: number;
  seed: number;
  /** Finetune steps of every source run (default: the source's, 150). */
  steps?: number;
  /** The set-encoder net's training (default: metaTrainValueNet's, seeded by `seed`). */
  training?: Omit<MetaTrainOptions, 'seed' | 'onStep'>;
}

export interface MetaTrainSummary {
  out: string;
  tasks: string[];
  runsPerTask: number;
  seed: number;
  trajectories: (Omit<CollectedRun, 'path'> & { file: string; rounds: number })[];
  training: {
    runs: number;
    rounds: number;
    pairs: number;
    layouts: number;
    loss: number | null;
    calibration: number;
    inputScale: number;
    /** In-sample mean within-round Kendall τ, overall and per task. */
    tau: number | null;
    perTask: Record<string, { runs: number; rounds: number; tau: number | null }>;
    seconds: number;
  };
  metric: { name: string; higherIsBetter: boolean };
}

/**
 * `metricopt meta-train`: collects the trajectories of `runsPerTask` varied finetuning runs per
 * source task into `<out>/trajectories/` (resumably: complete runs are kept, partial ones redone),
 * trains the `set`-encoder GlobalValueNet on all of them (METHOD.md §6) and saves it in `out`
 * (tfjs artifacts + metadata.json, and meta-train.json with this summary): a value function
 * `--value-function <out>` and `loadValueFunction(out, …)` read.
 *
 * ```ts
 * const summary = await runMetaTrain({ tasks: ['synthetic'], out: 'meta', runsPerTask: 12, seed: 1 }, reporter);
 * summary.training.tau;   // 0.31 (in sample)
 * ```
 */
export async function runMetaTrain(settings: MetaTrainSettings, reporter: BenchReporter): Promise<MetaTrainSummary> {
  const { tasks, out, runsPerTask, seed } = settings;
  if (tasks.length === 0) throw new UsageError(`--tasks needs at least one task; meta-training knows: ${Object.keys(TRAJECTORY_SOURCES).join(', ')}`);
  const sources = tasks.map((task) => {
    const make = TRAJECTORY_SOURCES[task];
    if (make === undefined) throw new UsageError(`task '${task}' provides no trajectories; meta-training knows: ${Object.keys(TRAJECTORY_SOURCES).join(', ')}`);
    return make(settings.steps === undefined ? {} : { steps: settings.steps });
  });
  const metric = sources[0]!.metric;
  for (const s of sources) {
    if (s.metric.name !== metric.name || s.metric.higherIsBetter !== metric.higherIsBetter) {
      throw new UsageError(`tasks '${sources[0]!.task}' and '${s.task}' observe different metrics ('${metric.name}', '${s.metric.name}'): one net learns one metric`);
    }
  }
  const dir = join(out, 'trajectories');
  const collected = await collectTrajectories({ sources, runsPerTask, seed, dir, reporter });
  const kept = collected.filter((c) => c.status === 'kept').length;
  reporter.log(`trajectories: ${collected.length - kept} collected, ${kept} kept from an earlier collection (${dir})`);
  const trajectories = await Promise.all(collected.map((c) => readTrajectory(c.path)));

  const steps = settings.training?.steps ?? 400;
  reporter.begin('meta-train set-encoder value net', steps);
  const started = performance.now();
  const result = metaTrainValueNet(trajectories, {
    ...settings.training,
    seed,
    onStep: (step, loss) => {
      if (step % 20 === 0 || step === steps) reporter.progress(step, `ranking loss ${loss.toFixed(4)}`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  try {
    reporter.end(`τ ${result.tau?.toFixed(3) ?? '—'} in sample over ${result.rounds} rounds of ${result.runs} runs, ${result.layouts} layouts`);
    await result.net.save(out);
  } finally {
    result.net.dispose();
  }
  const summary: MetaTrainSummary = {
    out,
    tasks: [...tasks],
    runsPerTask,
    seed,
    trajectories: collected.map((c, i) => ({ task: c.task, run: c.run, status: c.status, file: relative(out, c.path), rounds: trajectories[i]!.rounds.length })),
    training: {
      runs: result.runs,
      rounds: result.rounds,
      pairs: result.pairs,
      layouts: result.layouts,
      loss: Number.isFinite(result.loss) ? result.loss : null,
      calibration: result.calibration,
      inputScale: result.inputScale,
      tau: result.tau,
      perTask: result.perTask,
      seconds,
    },
    metric: { ...metric },
  };
  await writeJsonAtomic(join(out, META_TRAIN_INFO), { format: 'metricopt-meta-train', version: 1, ...summary, settings: { ...settings, out: undefined } });
  return summary;
}
