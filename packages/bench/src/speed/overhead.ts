import { InvalidArgumentError } from '@metricopt/core';
import type { BenchConfig, BenchTask } from '../registry.js';
import { silentReporter, type BenchReporter } from '../reporter.js';
import type { RunRecord } from '../results.js';

/** Steps of the untimed warm-up run before the timed one. */
const WARM_UP_STEPS = 3;

/** One method's finetunes in the overhead comparison, summed over seeds (seconds). */
export interface OverheadRun {
  wallSeconds: number;
  metricSeconds: number;
  valueSeconds: number;
  metricCalls: number;
  steps: number;
}

/** MetricOpt (`loss+value`) against loss-only finetuning on one task, equal steps, same seeds (sums over them). */
export interface OverheadRow {
  task: string;
  dataset: string;
  steps: number;
  seeds: number;
  loss: OverheadRun;
  metricopt: OverheadRun;
  /** metricopt wall / loss wall. */
  ratio: number;
  /** The same with the metric calls' time taken out of both: what MetricOpt itself costs. */
  ratioWithoutMetric: number;
}

/**
 * Runs each task's demo setting (its small data and pretraining, cached between runs) with just
 * `loss` and `metricopt` for `steps` steps on seeds 1..`seeds`, after a short untimed warm-up run
 * (the first finetune in a process pays for compiling and kernel set-up), and compares their
 * finetune wall times summed over the seeds. Tasks without demo settings are skipped.
 *
 * ```ts
 * const rows = await measureOverhead([syntheticTask], { steps: 40, seeds: 2, reporter: silentReporter });
 * rows[0].ratio;   // e.g. 1.8: loss+value takes 1.8x the time of loss alone
 * ```
 */
export async function measureOverhead(
  tasks: readonly BenchTask[],
  options: { steps: number; seeds?: number; reporter: BenchReporter },
): Promise<OverheadRow[]> {
  const seeds = options.seeds ?? 1;
  for (const [name, value] of [['steps', options.steps], ['seeds', seeds]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError('measureOverhead', `options.${name}`, 'a positive integer', String(value));
    }
  }
  const rows: OverheadRow[] = [];
  for (const task of tasks) {
    const demo = task.demo;
    if (demo === undefined) continue;
    const config: BenchConfig = {
      task: task.name,
      dataset: demo.dataset ?? task.datasets?.[0] ?? task.name,
      methods: ['loss', 'metricopt'],
      seeds: Array.from({ length: seeds }, (_, i) => i + 1),
      steps: options.steps,
      options: { ...(demo.options ?? {}) },
    };
    const metric = demo.metric ?? task.metrics?.[0];
    if (metric !== undefined) config.metric = metric;
    options.reporter.log(`speed: MetricOpt overhead on ${task.name} (${config.dataset}), ${options.steps} steps × ${seeds} seeds, after a warm-up`);
    await task.run({ ...config, seeds: [1], steps: Math.min(WARM_UP_STEPS, options.steps) }, silentReporter);
    const result = await task.run(config, options.reporter);
    const loss = overheadRun(task.name, result.methods.loss?.runs);
    const metricopt = overheadRun(task.name, result.methods.metricopt?.runs);
    rows.push({
      task: task.name,
      dataset: config.dataset,
      steps: options.steps,
      seeds,
      loss,
      metricopt,
      ratio: metricopt.wallSeconds / loss.wallSeconds,
      ratioWithoutMetric: (metricopt.wallSeconds - metricopt.metricSeconds) / (loss.wallSeconds - loss.metricSeconds),
    });
  }
  return rows;
}

/** Sums over the seeds' runs. */
function overheadRun(task: string, runs: RunRecord[] | undefined): OverheadRun {
  if (runs === undefined || runs.length === 0) {
    throw new InvalidArgumentError('measureOverhead', 'tasks', `tasks whose results have 'loss' and 'metricopt' runs`, `'${task}' without one`);
  }
  const total = (value: (run: RunRecord) => number) => runs.reduce((sum, run) => sum + value(run), 0);
  return {
    wallSeconds: total((r) => r.wallSeconds),
    metricSeconds: total((r) => r.timings?.metricSeconds ?? 0),
    valueSeconds: total((r) => r.timings?.valueSeconds ?? 0),
    metricCalls: total((r) => r.metricCalls),
    steps: total((r) => r.steps),
  };
}
