import { join } from 'node:path';
import { resolveInside } from '@metricopt/core';
import type { CliIo } from './program.js';
import { listTasks, type BenchConfig } from './registry.js';
import { createReporter } from './reporter.js';
import type { BenchResult } from './results.js';
import { formatTableAndComparison, recordBackend } from './report/console-summary.js';
import { writeReport } from './report/write-report.js';
import { writeResultsJson } from './write-results.js';

/**
 * Runs every registered task that declares demo settings and prints one table per task with its
 * paired comparison. With `out`, writes `<out>/<task>/results.json` and `<out>/<task>/report.html`
 * as each task finishes, then `<out>/report.html`: every task on one page.
 */
export async function runDemo(io: CliIo, out?: string, options: { backend?: string } = {}): Promise<BenchResult[]> {
  const reporter = createReporter(io.stderr);
  const all: BenchResult[] = [];
  for (const task of listTasks()) {
    const demo = task.demo;
    if (demo === undefined) continue;
    const config: BenchConfig = {
      task: task.name,
      dataset: demo.dataset ?? task.datasets?.[0] ?? task.name,
      methods: [...(demo.methods ?? task.defaultMethods)],
      seeds: [...(demo.seeds ?? [1])],
      options: { ...(demo.options ?? {}) },
    };
    const metric = demo.metric ?? task.metrics?.[0];
    if (metric !== undefined) config.metric = metric;
    if (demo.steps !== undefined) config.steps = demo.steps;
    reporter.log(`demo: ${task.name} (${task.description})`);
    const ran = await task.run(config, reporter);
    const results = options.backend === undefined ? ran : recordBackend(ran, options.backend);
    if (out !== undefined) {
      // A task's folder stays inside the directory the user named, whatever the task is called.
      resolveInside(out, task.name, `${out} (demo --out): task ${JSON.stringify(task.name)}`);
      const taskDir = join(out, task.name);
      reporter.log(`wrote ${await writeResultsJson(taskDir, results)}`);
      reporter.log(`wrote ${(await writeReport(taskDir, results)).html}`);
    }
    io.stdout.write(`${formatTableAndComparison(results)}\n`);
    all.push(results);
  }
  if (out !== undefined && all.length > 0) {
    reporter.log(`wrote ${(await writeReport(out, all, { title: 'MetricOpt demo report' })).html}`);
  }
  return all;
}
