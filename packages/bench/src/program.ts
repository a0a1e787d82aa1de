import { Command, CommanderError, InvalidArgumentError as CommanderArgumentError, Option } from 'commander';
import { MetricOptError, describeBackends, formatBackendReport, initBackend } from '@metricopt/core';
import {
  DEFAULT_SEEDS,
  UsageError,
  optionKey,
  parseOptionValue,
  resolveBenchConfig,
  type CommonBenchFlags,
} from './bench-config.js';
import { runDemo } from './demo.js';
import { commaList, positiveInt } from './cli-parsers.js';
import { addEvalCommand } from './eval-command.js';
import { applyConfigFile } from './config-file.js';
import { addMetaTrainCommand } from './meta-train-command.js';
import { knownTaskNames, listTasks, type BenchTask } from './registry.js';
import { PLUGIN_HELP, registerTaskPlugins, skippedPluginsNote, type PluginContext } from './plugins/cli-plugins.js';
import { createReporter } from './reporter.js';
import { formatTableAndComparison, recordBackend } from './report/console-summary.js';
import { writeReport } from './report/write-report.js';
import { registerBuiltinTasks } from './tasks/index.js';
import { addSpeedCommand } from './speed/speed-command.js';
import { RunJournal, withRunJournal } from './run-journal.js';
import { writeResultsJson } from './write-results.js';

/** Where the CLI writes: stdout carries results only; progress and messages go to stderr. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Runs the `metricopt` CLI on `argv` (without the node and script entries) and resolves to the
 * exit code: 0 done, 1 a MetricOptError or other failure, 2 a bad command line.
 *
 * ```ts
 * await runCli(['bench', 'nope']);   // stderr: error: unknown task 'nope'; known tasks: synthetic → 2
 * ```
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  plugins: PluginContext = {},
): Promise<number> {
  registerBuiltinTasks();
  try {
    const rest = await registerTaskPlugins(argv, io.stderr, plugins);
    await createProgram(io).parseAsync(rest, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof MetricOptError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    io.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

/** The commander program with one `bench <task>` subcommand per registered task. */
export function createProgram(io: CliIo): Command {
  const program = new Command('metricopt')
    .description('MetricOpt: finetune compact parameters toward a black-box metric; benchmarks and tools.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    // Read by runCli before the commands are built (plugins add `bench` tasks); listed here for --help.
    .option('--plugin <module>', PLUGIN_HELP);

  program
    .command('backend')
    .description('which TensorFlow.js backend loads here, and why the others did not')
    .option('--json', 'print the report as one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const report = await describeBackends();
      io.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatBackendReport(report)}\n`);
    });

  const bench = program
    .command('bench')
    .description(`run a benchmark suite: every method from the same start, per seed (tasks: ${knownTaskNames()})`);
  bench.on('command:*', (operands: string[]) => {
    throw new UsageError(`unknown task '${operands[0]}'; known tasks: ${knownTaskNames()}${skippedPluginsNote()}`);
  });
  for (const task of listTasks()) addTaskCommand(bench, task, io);
  addSpeedCommand(bench, io);

  addEvalCommand(program, io);
  addMetaTrainCommand(program, io);

  program
    .command('demo')
    .description('every task with a small budget on embedded or generated data: metric before/after per method')
    .option('--out <dir>', 'write <dir>/<task>/results.json and report.html, and <dir>/report.html for all tasks')
    .action(async (opts: { out?: string }) => {
      const backend = await initBackendQuietly(io);
      await runDemo(io, opts.out, { backend });
    });

  return program;
}

function addTaskCommand(bench: Command, task: BenchTask, io: CliIo): void {
  const cmd = bench.command(task.name).description(task.description);
  if (task.datasets) cmd.option('--dataset <name>', `dataset: ${task.datasets.join(' | ')}`, task.datasets[0]);
  else cmd.option('--dataset <name>', 'dataset name');
  cmd
    .option('--data-dir <dir>', 'where the dataset files are')
    .addOption(metricOption(task))
    .option('--methods <list>', `comma-separated, of: ${(task.methods ?? task.defaultMethods).join(', ')}`, commaList, [...task.defaultMethods])
    .option('--seeds <n>', 'number of seeds (seeds 1..n)', positiveInt, DEFAULT_SEEDS)
    .option('--steps <n>', 'finetune steps per run (task default when omitted)', positiveInt)
    .option('--out <dir>', 'write <dir>/results.json, <dir>/report.html and <dir>/charts/*.png')
    .option('--json', 'print the results as one JSON object on stdout (progress on stderr)')
    .option('--config <file>', 'settings from a JSON file (e.g. packages/bench/configs/cifar10.json); flags given here override it')
    .option('--value-function <dir>', 'a saved (meta-trained) value function: the GP prior of the methods that use V (see `metricopt meta-train`)');
  for (const option of task.options) {
    const o = new Option(option.flags, option.description);
    if (option.type !== 'boolean') {
      o.argParser((raw: string) => {
        try {
          return parseOptionValue(option, raw);
        } catch (err) {
          if (err instanceof UsageError) throw new CommanderArgumentError(err.message);
          throw err;
        }
      });
    }
    if (option.default !== undefined) o.default(option.default);
    cmd.addOption(o);
  }
  cmd.action(async (cliOpts: CommonBenchFlags & Record<string, unknown>) => {
    const cliTaskOptions: Record<string, unknown> = {};
    for (const option of task.options) {
      const key = optionKey(option);
      if (cliOpts[key] !== undefined) cliTaskOptions[key] = cliOpts[key];
    }
    // --config FILE: the file's settings, under the flags typed on the command line.
    const { flags: opts, options: taskOptions } = await applyConfigFile(task, cliOpts, cliTaskOptions, (key) => cmd.getOptionValueSource(key));
    const config = resolveBenchConfig(task, opts, taskOptions);
    const backend = await initBackendQuietly(io);
    const reporter = createReporter(io.stderr);
    // With --out, every finished (method, seed) run is kept in <out>/runs/ and skipped when the same bench runs again.
    const journal = opts.out !== undefined ? await RunJournal.open(opts.out, { ...config, seeds: undefined, methods: undefined, backend }) : undefined;
    const results = recordBackend(await withRunJournal(journal, () => task.run(config, reporter)).finally(() => journal?.close()), backend);
    if (opts.out !== undefined) {
      reporter.log(`wrote ${await writeResultsJson(opts.out, results)}`);
      reporter.log(`wrote ${(await writeReport(opts.out, results)).html}`);
    }
    io.stdout.write(opts.json ? `${JSON.stringify(results)}\n` : formatTableAndComparison(results));
  });
}

function metricOption(task: BenchTask): Option {
  const o = new Option('--metric <name>', task.metrics ? `metric: ${task.metrics.join(' | ')}` : 'metric name');
  if (task.metrics?.[0] !== undefined) o.default(task.metrics[0]);
  return o;
}

/** Loads a backend before a bench and says which, on stderr; resolves to its name. */
async function initBackendQuietly(io: CliIo): Promise<string> {
  const report = await initBackend();
  io.stderr.write(`backend: ${report.name}\n`);
  return report.name;
}
