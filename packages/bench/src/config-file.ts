import { readFile } from 'node:fs/promises';
import { FormatError } from '@metricopt/core';
import { z } from 'zod';
import { optionKey, parseOptionValue, UsageError, type CommonBenchFlags } from './bench-config.js';
import type { BenchTask, TaskOption } from './registry.js';

/**
 * A bench config file that is malformed or does not fit its task: names the file and the field.
 *
 * ```ts
 * new ConfigFileError('configs/cifar10.json', 'seeds', 'expected a positive integer, got -1').message;
 * // 'configs/cifar10.json: seeds: expected a positive integer, got -1'
 * ```
 */
export class ConfigFileError extends FormatError {
  override name = 'ConfigFileError';
  constructor(
    readonly file: string,
    /** The field's path (`options.lr`), or '(file)' / '(root)'. */
    readonly field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(file, `${field}: ${reason}`, options);
  }
}

const optionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);

/** The file's shape: the common bench flags (camelCase), the task's options by flag name, and notes. */
export const benchConfigFileSchema = z.strictObject({
  $schema: z.string().optional(),
  /** What the file reproduces, for people. */
  description: z.string().optional(),
  /** The paper's figure for this setting and where it comes from, for people. */
  reference: z.string().optional(),
  task: z.string().min(1),
  dataset: z.string().min(1).optional(),
  /** Where the data is: a placeholder the user overrides with --data-dir. */
  dataDir: z.string().min(1).optional(),
  metric: z.string().min(1).optional(),
  methods: z.array(z.string().min(1)).min(1).optional(),
  seeds: z.number().int().positive().optional(),
  steps: z.number().int().positive().optional(),
  out: z.string().min(1).optional(),
  /** A saved (meta-trained) value function directory (--value-function). */
  valueFunction: z.string().min(1).optional(),
  /** The task's own options, keyed by flag name (`"pretrain-epochs": 10`) or its camelCase (`pretrainEpochs`). */
  options: z.record(z.string(), optionValue).optional(),
});

export type BenchConfigFile = z.infer<typeof benchConfigFileSchema>;

/**
 * Parses and validates a bench config file's text. Every problem is a ConfigFileError naming
 * `file` and the field: bad JSON, an unknown field, a wrong type.
 *
 * ```ts
 * parseBenchConfigFile('{"task": "classification", "dataset": "cifar-10", "seeds": 5}', 'cifar10.json').seeds;   // 5
 * ```
 */
export function parseBenchConfigFile(text: string, file: string): BenchConfigFile {
  if (typeof text !== 'string') throw new ConfigFileError(String(file), '(file)', `expected JSON text, got ${typeof text}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, '(root)', `not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = benchConfigFileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path === '' ? '' : `${path}.`;
    const known = path === '' ? Object.keys(benchConfigFileSchema.shape).join(', ') : '';
    throw new ConfigFileError(file, `${where}${issue.keys[0]}`, `unknown field${known ? `; known: ${known}` : ''}`);
  }
  throw new ConfigFileError(file, path === '' ? '(root)' : path, issue.message);
}

/** Reads and parses a bench config file; an unreadable file is a ConfigFileError naming it. */
export async function readBenchConfigFile(path: string): Promise<BenchConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(path, '(file)', `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  return parseBenchConfigFile(text, path);
}

/** What a config file sets, in the CLI's terms: common flags and the task's options (camelCase keys, parsed by type). */
export interface ConfigFileSettings {
  flags: CommonBenchFlags;
  options: Record<string, unknown>;
}

/**
 * Checks a parsed file against the task it is run with: the same task name, a dataset, metric and
 * methods the task knows, options the task declares with values of their type. A mismatch is a
 * ConfigFileError naming the file and the field.
 */
export function configFileSettings(task: BenchTask, file: BenchConfigFile, path: string): ConfigFileSettings {
  if (file.task !== task.name) throw new ConfigFileError(path, 'task', `the file is for task '${file.task}', run with 'metricopt bench ${file.task}', not '${task.name}'`);
  const oneOf = (field: 'dataset' | 'metric', value: string | undefined, known: readonly string[] | undefined) => {
    if (value !== undefined && known !== undefined && !known.includes(value)) {
      throw new ConfigFileError(path, field, `unknown ${field} '${value}' for task '${task.name}'; known: ${known.join(', ')}`);
    }
  };
  oneOf('dataset', file.dataset, task.datasets);
  oneOf('metric', file.metric, task.metrics);
  const methods = task.methods ?? task.defaultMethods;
  file.methods?.forEach((m, i) => {
    if (!methods.includes(m)) throw new ConfigFileError(path, `methods.${i}`, `unknown method '${m}' for task '${task.name}'; known: ${methods.join(', ')}`);
  });
  const flags: CommonBenchFlags = {};
  if (file.dataset !== undefined) flags.dataset = file.dataset;
  if (file.dataDir !== undefined) flags.dataDir = file.dataDir;
  if (file.metric !== undefined) flags.metric = file.metric;
  if (file.methods !== undefined) flags.methods = [...file.methods];
  if (file.seeds !== undefined) flags.seeds = file.seeds;
  if (file.steps !== undefined) flags.steps = file.steps;
  if (file.out !== undefined) flags.out = file.out;
  if (file.valueFunction !== undefined) flags.valueFunction = file.valueFunction;
  const byKey = new Map<string, TaskOption>();
  for (const option of task.options) {
    byKey.set(optionKey(option), option);
    const long = /--([a-z0-9][a-z0-9-]*)/i.exec(option.flags)?.[1];
    if (long !== undefined) byKey.set(long, option);
  }
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(file.options ?? {})) {
    const option = byKey.get(name);
    if (option === undefined) {
      const known = task.options.map((o) => /--([a-z0-9][a-z0-9-]*)/i.exec(o.flags)?.[1]).filter((n) => n !== undefined);
      throw new ConfigFileError(path, `options.${name}`, `task '${task.name}' has no option --${name}; known: ${known.length ? known.join(', ') : 'none'}`);
    }
    options[optionKey(option)] = optionFromFile(option, value, path, `options.${name}`);
  }
  return { flags, options };
}

function optionFromFile(option: TaskOption, value: z.infer<typeof optionValue>, path: string, field: string): unknown {
  const type = option.type ?? 'string';
  if (type === 'boolean') {
    if (typeof value !== 'boolean') throw new ConfigFileError(path, field, `expected true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  if (type === 'list') {
    if (Array.isArray(value)) return value.map(String);
    if (typeof value === 'string' || typeof value === 'number') return parseOptionValue(option, String(value));
    throw new ConfigFileError(path, field, `expected a list like ["16", "32"] or "16,32", got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(value) || typeof value === 'boolean') {
    throw new ConfigFileError(path, field, `expected ${type === 'string' ? 'a string' : 'a number'}, got ${JSON.stringify(value)}`);
  }
  try {
    return parseOptionValue(option, String(value));
  } catch (err) {
    if (err instanceof UsageError) throw new ConfigFileError(path, field, err.message, { cause: err });
    throw err;
  }
}

/**
 * The command line over the file: a common flag or task option given on the command line wins;
 * otherwise the file's value; otherwise the command's default. `sourceOf(key)` is commander's
 * getOptionValueSource ('cli' for values typed on the command line).
 *
 * ```ts
 * mergeConfigFile(fromFile, { seeds: 3, steps: 50 }, {}, (k) => (k === 'steps' ? 'cli' : 'default'));
 * // seeds from the file (5), steps 50 from the command line
 * ```
 */
export function mergeConfigFile(
  fromFile: ConfigFileSettings,
  flags: CommonBenchFlags,
  options: Record<string, unknown>,
  sourceOf: (key: string) => string | undefined,
): ConfigFileSettings {
  const merged: CommonBenchFlags = { ...flags };
  for (const [key, value] of Object.entries(fromFile.flags) as [keyof CommonBenchFlags, never][]) {
    if (sourceOf(key) !== 'cli') merged[key] = value;
  }
  const mergedOptions: Record<string, unknown> = { ...options };
  for (const [key, value] of Object.entries(fromFile.options)) {
    if (sourceOf(key) !== 'cli') mergedOptions[key] = value;
  }
  return { flags: merged, options: mergedOptions };
}

/**
 * `metricopt bench <task> --config FILE`: reads FILE, checks it against the task and lays the
 * command line over it (mergeConfigFile). Without `flags.config` it returns the command line as is.
 */
export async function applyConfigFile(
  task: BenchTask,
  flags: CommonBenchFlags & { config?: unknown },
  options: Record<string, unknown>,
  sourceOf: (key: string) => string | undefined,
): Promise<ConfigFileSettings> {
  if (typeof flags.config !== 'string') return { flags, options };
  const file = await readBenchConfigFile(flags.config);
  return mergeConfigFile(configFileSettings(task, file, flags.config), flags, options, sourceOf);
}
