import type { Command } from 'commander';
import { initBackend } from '@metricopt/core';
import { commaList, positiveInt } from './cli-parsers.js';
import { TRAJECTORY_SOURCES, runMetaTrain, type MetaTrainSummary } from './meta-train.js';
import type { CliIo } from './program.js';
import { createReporter } from './reporter.js';

/**
 * `metricopt meta-train --tasks <list> --out DIR [--runs-per-task N] [--seed S] [--json]`: collect
 * trajectories from varied finetuning runs of the source tasks (resumable), train the
 * `set`-encoder value net on all of them, save it in DIR for `--value-function DIR`.
 */
export function addMetaTrainCommand(program: Command, io: CliIo): void {
  program
    .command('meta-train')
    .description('collect trajectories of varied finetuning runs on source tasks and train a transferable (set-encoder) value function on them')
    .requiredOption('--tasks <list>', `comma-separated source tasks, of: ${Object.keys(TRAJECTORY_SOURCES).join(', ')}`, commaList)
    .requiredOption('--out <dir>', 'where trajectories (<dir>/trajectories/) and the trained value function go; rerun to resume')
    .option('--runs-per-task <n>', 'finetuning runs per source task', positiveInt, 8)
    .option('--seed <n>', 'seeds the plan of runs and the net', (raw: string) => Number.parseInt(raw, 10), 1)
    .option('--steps <n>', 'finetune steps of every source run (default 150)', positiveInt)
    .option('--train-steps <n>', 'Adam steps of the value net (default 400)', positiveInt)
    .option('--json', 'print the summary as one JSON object on stdout (progress on stderr)')
    .action(async (opts: { tasks: string[]; out: string; runsPerTask: number; seed: number; steps?: number; trainSteps?: number; json?: boolean }) => {
      const report = await initBackend();
      io.stderr.write(`backend: ${report.name}\n`);
      const summary = await runMetaTrain({
        tasks: opts.tasks, out: opts.out, runsPerTask: opts.runsPerTask, seed: Number.isInteger(opts.seed) ? opts.seed : 1,
        ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
        ...(opts.trainSteps !== undefined ? { training: { steps: opts.trainSteps } } : {}),
      }, createReporter(io.stderr));
      io.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : formatMetaTrainSummary(summary));
    });
}

/** The summary in a few lines: what was collected, how well the net ranks its training rounds, where it went. */
export function formatMetaTrainSummary(s: MetaTrainSummary): string {
  const t = s.training;
  const tau = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const lines = [
    `meta-train: ${s.tasks.join(', ')} — ${s.metric.name} (${s.metric.higherIsBetter ? 'higher' : 'lower'} is better), ${s.runsPerTask} runs per task, seed ${s.seed}`,
    `trajectories: ${s.trajectories.filter((r) => r.status !== 'kept').length} collected, ${s.trajectories.filter((r) => r.status === 'kept').length} kept, ` +
      `${t.rounds} rounds, ${t.layouts} parameter layouts`,
    ...Object.entries(t.perTask).map(([task, p]) => `  ${task}: ${p.runs} runs, ${p.rounds} rounds, τ ${tau(p.tau)} (in sample)`),
    `set-encoder value net: τ ${tau(t.tau)} in sample, ranking loss ${t.loss?.toFixed(4) ?? '—'}, calibration ${t.calibration.toPrecision(3)}, ${t.seconds.toFixed(1)} s`,
    `saved to ${s.out} (use: metricopt bench <task> --value-function ${s.out})`,
  ];
  return `${lines.join('\n')}\n`;
}
