import { join } from 'node:path';
import type { CliIo } from './program.js';
import { listTasks, type BenchConfig } from './registry.js';
import { createReporter } from './reporter.js';
import type { BenchResult } from './results.js';
import { formatResultsTable } from './results-table.js';
import { writeResultsJson } from './write-results.js';

/** Runs every registered task that declares demo settings, prints one table per task, and optionally writes `<out>/<task>/results.json`. */
export async function runDemo(io: CliIo, out?: string): Promise<BenchResult[]> {
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
    const results = await task.run(config, reporter);
    if (out !== undefined) reporter.log(`wrote ${await writeResultsJson(join(out, task.name), results)}`);
    io.stdout.write(`${formatResultsTable(results)}\n\n`);
    all.push(results);
  }
  return all;
}
