import { InvalidArgumentError } from '@metricopt/core';
import type { BenchConfig, BenchTask } from '../registry.js';
import type { BenchReporter } from '../reporter.js';
import type { RunRecord } from '../results.js';

/** One method's finetune in the overhead comparison (seconds). */
export interface OverheadRun {
  wallSeconds: number;
  metricSeconds: number;
  valueSeconds: number;
  metricCalls: number;
  steps: number;
}

/** MetricOpt (`loss+value`) against loss-only finetuning on one task, equal steps, same seed. */
export interface OverheadRow {
  task: string;
  dataset: string;
  steps: number;
  loss: OverheadRun;
  metricopt: OverheadRun;
  /** metricopt wall / loss wall. */
  ratio: number;
  /** The same with the metric calls' time taken out of both: what MetricOpt itself costs. */
  ratioWithoutMetric: number;
}

/**
 * Runs each task's demo setting (its small data and pretraining, cached between runs) with just
 * `loss` and `metricopt` for `steps` steps on seed 1, and compares their finetune wall times.
 * Tasks without demo settings are skipped.
 *
 * ```ts
 * const rows = await measureOverhead([syntheticTask], { steps: 40, reporter: silentReporter });
 * rows[0].ratio;   // e.g. 1.8: loss+value takes 1.8x the time of loss alone
 * ```
 */
export async function measureOverhead(tasks: readonly BenchTask[], options: { steps: number; reporter: BenchReporter }): Promise<OverheadRow[]> {
  if (!Number.isInteger(options.steps) || options.steps < 1) {
    throw new InvalidArgumentError('measureOverhead', 'options.steps', 'a positive integer', String(options.steps));
  }
  const rows: OverheadRow[] = [];
  for (const task of tasks) {
    const demo = task.demo;
    if (demo === undefined) continue;
    const config: BenchConfig = {
      task: task.name,
      dataset: demo.dataset ?? task.datasets?.[0] ?? task.name,
      methods: ['loss', 'metricopt'],
      seeds: [1],
      steps: options.steps,
      options: { ...(demo.options ?? {}) },
    };
    const metric = demo.metric ?? task.metrics?.[0];
    if (metric !== undefined) config.metric = metric;
    options.reporter.log(`speed: MetricOpt overhead on ${task.name} (${config.dataset}), ${options.steps} steps`);
    const result = await task.run(config, options.reporter);
    const loss = overheadRun(task.name, result.methods.loss?.runs[0]);
    const metricopt = overheadRun(task.name, result.methods.metricopt?.runs[0]);
    rows.push({
      task: task.name,
      dataset: config.dataset,
      steps: options.steps,
      loss,
      metricopt,
      ratio: metricopt.wallSeconds / loss.wallSeconds,
      ratioWithoutMetric: (metricopt.wallSeconds - metricopt.metricSeconds) / (loss.wallSeconds - loss.metricSeconds),
    });
  }
  return rows;
}

function overheadRun(task: string, run: RunRecord | undefined): OverheadRun {
  if (run === undefined) {
    throw new InvalidArgumentError('measureOverhead', 'tasks', `tasks whose results have 'loss' and 'metricopt' runs`, `'${task}' without one`);
  }
  return {
    wallSeconds: run.wallSeconds,
    metricSeconds: run.timings?.metricSeconds ?? 0,
    valueSeconds: run.timings?.valueSeconds ?? 0,
    metricCalls: run.metricCalls,
    steps: run.steps,
  };
}
