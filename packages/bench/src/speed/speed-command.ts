import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError as CommanderArgumentError, Option, type Command } from 'commander';
import { initBackend, writeJsonAtomic } from '@metricopt/core';
import { UsageError } from '../bench-config.js';
import { commaList, positiveInt } from '../cli-parsers.js';
import type { CliIo } from '../program.js';
import { listTasks } from '../registry.js';
import { createReporter } from '../reporter.js';
import { runSpeedBench } from './speed-bench.js';
import { formatSpeedResult } from './speed-format.js';
import { SPEED_MODEL_NAMES, type SpeedModelName } from './speed-models.js';
import { DEFAULT_PYTHON } from './torch-reference.js';

interface SpeedFlags {
  models: string[];
  seconds: number;
  repeats: number;
  minSteps: number;
  python: string;
  torch: boolean;
  tunedMalloc?: boolean;
  torchThreads?: number;
  tasks?: string[];
  overheadSteps: number;
  overheadSeeds: number;
  out?: string;
  json?: boolean;
}

/**
 * Adds `metricopt bench speed`: training throughput against PyTorch, and MetricOpt's overhead per task.
 *
 * ```
 * metricopt bench speed --models cnn --repeats 5 --tasks none --json
 * ```
 */
export function addSpeedCommand(bench: Command, io: CliIo): void {
  bench
    .command('speed')
    .description('training steps/s of a small CNN and an MLP on the tfjs backend vs PyTorch (when torch imports), and MetricOpt overhead per task')
    .option('--models <list>', `comma-separated, of: ${SPEED_MODEL_NAMES.join(', ')}`, commaList, [...SPEED_MODEL_NAMES])
    .option('--seconds <s>', 'seconds per timed run', positiveNumber, 3)
    .option('--repeats <n>', 'timed runs per model and runtime (medians are reported)', positiveInt, 3)
    .option('--min-steps <n>', 'at least this many steps per timed run', positiveInt, 1)
    .option('--python <path>', 'the Python whose torch is the reference', DEFAULT_PYTHON)
    .option('--no-torch', 'leave PyTorch out')
    .option('--tuned-malloc', 'also time PyTorch with glibc malloc keeping freed memory (MALLOC_MMAP_THRESHOLD_): an extra, faster reference row')
    .addOption(new Option('--torch-threads <n>', "PyTorch's threads (default: as many as the tfjs backend uses)").argParser(positiveInt))
    .option('--tasks <list>', "tasks for the overhead comparison, or 'none' (default: every task with demo settings)", commaList)
    .option('--overhead-steps <n>', 'finetune steps per method and seed in the overhead comparison', positiveInt, 30)
    .option('--overhead-seeds <n>', 'seeds per method in the overhead comparison', positiveInt, 2)
    .option('--out <dir>', 'write <dir>/speed.json')
    .option('--json', 'print the result as one JSON object on stdout (progress on stderr)')
    .action(async (flags: SpeedFlags) => {
      const models = flags.models.map((name) => {
        if (!(SPEED_MODEL_NAMES as readonly string[]).includes(name)) {
          throw new UsageError(`unknown model '${name}' for --models; known: ${SPEED_MODEL_NAMES.join(', ')}`);
        }
        return name as SpeedModelName;
      });
      const registered = listTasks();
      const wanted = flags.tasks ?? registered.filter((t) => t.demo !== undefined).map((t) => t.name);
      const tasks = wanted.filter((name) => name !== 'none').map((name) => {
        const task = registered.find((t) => t.name === name);
        if (task === undefined) throw new UsageError(`unknown task '${name}' for --tasks; known: ${registered.map((t) => t.name).join(', ')}, none`);
        return task;
      });
      const backend = await initBackend();
      io.stderr.write(`backend: ${backend.name}\n`);
      const result = await runSpeedBench({
        models, seconds: flags.seconds, repeats: flags.repeats, minSteps: flags.minSteps,
        python: flags.torch ? flags.python : false, tunedMalloc: flags.tunedMalloc, torchThreads: flags.torchThreads,
        tasks, overheadSteps: flags.overheadSteps, overheadSeeds: flags.overheadSeeds, backend: backend.name, reporter: createReporter(io.stderr),
      });
      if (flags.out !== undefined) {
        await mkdir(flags.out, { recursive: true });
        const path = join(flags.out, 'speed.json');
        await writeJsonAtomic(path, result);
        io.stderr.write(`wrote ${path}\n`);
      }
      io.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : formatSpeedResult(result));
    });
}

function positiveNumber(raw: string): number {
  const v = Number(raw);
  if (!(v > 0) || !Number.isFinite(v)) throw new CommanderArgumentError(`expected a positive number, got '${raw}'`);
  return v;
}
