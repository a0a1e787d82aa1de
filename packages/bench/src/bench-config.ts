import type { BenchConfig, BenchTask, TaskOption } from './registry.js';

/** A wrong command line: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The flags every `bench <task>` command has; a task's own options may not reuse them. */
export const COMMON_BENCH_FLAGS = ['dataset', 'data-dir', 'metric', 'methods', 'seeds', 'steps', 'out', 'json', 'help', 'value-function', 'config'] as const;

/** Parsed common flags, as commander hands them over. */
export interface CommonBenchFlags {
  dataset?: string;
  dataDir?: string;
  metric?: string;
  methods?: string[];
  seeds?: number;
  steps?: number;
  out?: string;
  json?: boolean;
  /** A saved (meta-trained) value function's directory: the GP prior of the methods that use V. */
  valueFunction?: string;
}

export const DEFAULT_SEEDS = 3;

/** Checks the common flags against what the task declares and fills in its defaults. */
export function resolveBenchConfig(task: BenchTask, flags: CommonBenchFlags, options: Record<string, unknown>): BenchConfig {
  const dataset = pick(task.name, 'dataset', flags.dataset, task.datasets) ?? task.name;
  const metric = pick(task.name, 'metric', flags.metric, task.metrics);
  const known = task.methods ?? task.defaultMethods;
  const methods = flags.methods ?? [...task.defaultMethods];
  if (methods.length === 0) throw new UsageError(`--methods needs at least one method; '${task.name}' knows: ${known.join(', ')}`);
  for (const m of methods) {
    if (!known.includes(m)) throw new UsageError(`unknown method '${m}' for task '${task.name}'; known methods: ${known.join(', ')}`);
  }
  if (new Set(methods).size !== methods.length) throw new UsageError(`--methods lists a method twice: ${methods.join(',')}`);
  const seedCount = flags.seeds ?? DEFAULT_SEEDS;
  const config: BenchConfig = {
    task: task.name,
    dataset,
    methods,
    seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
    options,
  };
  if (metric !== undefined) config.metric = metric;
  if (flags.dataDir !== undefined) config.dataDir = flags.dataDir;
  if (flags.steps !== undefined) config.steps = flags.steps;
  if (flags.valueFunction !== undefined) config.valueFunction = flags.valueFunction;
  return config;
}

function pick(task: string, flag: string, given: string | undefined, choices: readonly string[] | undefined): string | undefined {
  if (given === undefined) return choices?.[0];
  if (choices !== undefined && !choices.includes(given)) {
    throw new UsageError(`unknown ${flag} '${given}' for task '${task}'; known: ${choices.join(', ')}`);
  }
  return given;
}

/** Commander's attribute name for a flag: `--test-per-class <n>` → `testPerClass`. */
export function optionKey(option: TaskOption): string {
  const long = /--([a-z0-9][a-z0-9-]*)/i.exec(option.flags)?.[1] ?? option.flags;
  return long.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}

/** Parses a value of a task option by its declared type; a bad value is a UsageError naming the flag. */
export function parseOptionValue(option: TaskOption, raw: string): unknown {
  const flag = option.flags.split(/[ ,]/).find((f) => f.startsWith('--')) ?? option.flags;
  switch (option.type ?? 'string') {
    case 'int': {
      const v = Number(raw);
      if (!Number.isInteger(v)) throw new UsageError(`${flag} expects an integer, got '${raw}'`);
      return v;
    }
    case 'float': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got '${raw}'`);
      return v;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    case 'boolean':
      return raw !== 'false' && raw !== '0';
    default:
      return raw;
  }
}
