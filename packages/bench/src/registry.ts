import { InvalidArgumentError } from '@metricopt/core';
import { COMMON_BENCH_FLAGS } from './bench-config.js';
import type { BenchReporter } from './reporter.js';
import type { BenchResult } from './results.js';

/** How the CLI parses a task option's value. */
export type TaskOptionType = 'int' | 'float' | 'string' | 'list' | 'boolean';

/**
 * An extra CLI option of one task, e.g. `{ flags: '--imbalance <ratio>', type: 'float', default: 0.05 }`.
 * Its parsed value lands in `config.options` under the camel-cased long name (`imbalance`).
 */
export interface TaskOption {
  /** Commander flags: `--name <value>` (or `--name` for a boolean switch). */
  flags: string;
  description: string;
  type?: TaskOptionType;
  default?: string | number | boolean | string[];
}

/** What `metricopt bench <task>` hands a task: every common flag, resolved, plus the task's own options. */
export interface BenchConfig {
  task: string;
  /** The chosen dataset (the task's first one when not given). */
  dataset: string;
  dataDir?: string;
  /** The metric name (the task's first one when not given). */
  metric?: string;
  methods: string[];
  /** The seeds to run, 1..N for `--seeds N`. */
  seeds: number[];
  /** Steps per finetune; the task's own default when undefined. */
  steps?: number;
  /** The task's options, keyed by camel-cased long flag name. */
  options: Record<string, unknown>;
  /** `--value-function DIR`: a saved (meta-trained) value function, the GP's prior mean in the methods that use V. */
  valueFunction?: string;
}

/** What `metricopt demo` overrides for a task (the rest: the task's defaults). */
export interface DemoSettings {
  dataset?: string;
  metric?: string;
  methods?: readonly string[];
  seeds?: readonly number[];
  steps?: number;
  options?: Readonly<Record<string, unknown>>;
}

/**
 * A benchmark suite the CLI can run. Task packages export one of these (a plain object: they need
 * not import bench) and bench registers it.
 *
 * ```ts
 * registerTask({ name: 'synthetic', description: 'imbalanced Gaussian mixture', defaultMethods: ['loss', 'metricopt'],
 *   options: [], run: async (config, reporter) => results });
 * getTask('synthetic').name;  // 'synthetic'
 * ```
 */
export interface BenchTask {
  readonly name: string;
  readonly description: string;
  /** Dataset names `--dataset` accepts; the first is the default. */
  readonly datasets?: readonly string[];
  /** Metric names `--metric` accepts; the first is the default. */
  readonly metrics?: readonly string[];
  /** Every method `--methods` accepts (defaults to `defaultMethods`). */
  readonly methods?: readonly string[];
  readonly defaultMethods: readonly string[];
  readonly options: readonly TaskOption[];
  /** Settings for `metricopt demo` (small budget); tasks without it are left out of the demo. */
  readonly demo?: DemoSettings;
  run(config: BenchConfig, reporter: BenchReporter): Promise<BenchResult>;
}

const tasks = new Map<string, BenchTask>();
// The caller's object → its frozen copy, so registering the same object again stays a no-op.
const registered = new WeakMap<BenchTask, BenchTask>();

/** Adds a task (frozen). Registering the same object twice is a no-op; another task under a taken name is an error. */
export function registerTask(task: BenchTask): BenchTask {
  checkTask(task);
  const existing = tasks.get(task.name);
  if (existing !== undefined) {
    if (existing === task || registered.get(task) === existing) return existing;
    throw new InvalidArgumentError('registerTask', 'task.name', 'a name not registered yet', `"${task.name}" (already registered)`);
  }
  const frozen = Object.freeze({
    ...task,
    datasets: task.datasets === undefined ? undefined : Object.freeze([...task.datasets]),
    metrics: task.metrics === undefined ? undefined : Object.freeze([...task.metrics]),
    methods: Object.freeze([...(task.methods ?? task.defaultMethods)]),
    defaultMethods: Object.freeze([...task.defaultMethods]),
    options: Object.freeze(task.options.map((o) => Object.freeze({ ...o }))),
    demo: task.demo === undefined ? undefined : Object.freeze({ ...task.demo }),
  }) as BenchTask;
  tasks.set(task.name, frozen);
  registered.set(task, frozen);
  return frozen;
}

/** The task registered under `name`; an unknown name is an InvalidArgumentError listing the known ones. */
export function getTask(name: string): BenchTask {
  const task = tasks.get(name);
  if (task === undefined) {
    throw new InvalidArgumentError('getTask', 'name', `one of the registered tasks (${knownTaskNames()})`, JSON.stringify(name));
  }
  return task;
}

/** Every registered task, in registration order. */
export function listTasks(): BenchTask[] {
  return [...tasks.values()];
}

/** The registered names, comma-separated (for messages). */
export function knownTaskNames(): string {
  return tasks.size === 0 ? 'none registered' : [...tasks.keys()].join(', ');
}

/** The checks registerTask makes (plugins are checked before they register). */
export function checkTask(task: BenchTask): void {
  if (task === null || typeof task !== 'object') {
    throw new InvalidArgumentError('registerTask', 'task', 'a BenchTask object', String(task));
  }
  if (typeof task.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(task.name)) {
    throw new InvalidArgumentError('registerTask', 'task.name', 'a kebab-case name', JSON.stringify(task.name));
  }
  if (typeof task.run !== 'function') {
    throw new InvalidArgumentError('registerTask', 'task.run', 'a function (config, reporter) => Promise<BenchResult>', typeof task.run);
  }
  if (!Array.isArray(task.defaultMethods) || task.defaultMethods.length === 0) {
    throw new InvalidArgumentError('registerTask', 'task.defaultMethods', 'a non-empty list of method names', String(task.defaultMethods));
  }
  if (!Array.isArray(task.options)) {
    throw new InvalidArgumentError('registerTask', 'task.options', 'a list of TaskOption', String(task.options));
  }
  for (const option of task.options) {
    const long = /--([a-z0-9][a-z0-9-]*)/i.exec(option?.flags ?? '')?.[1];
    if (long === undefined || (COMMON_BENCH_FLAGS as readonly string[]).includes(long)) {
      throw new InvalidArgumentError('registerTask', 'task.options', `flags with a long name other than --${COMMON_BENCH_FLAGS.join(', --')}`,
        JSON.stringify(option?.flags));
    }
  }
  const methods = task.methods ?? task.defaultMethods;
  for (const m of task.defaultMethods) {
    if (!methods.includes(m)) {
      throw new InvalidArgumentError('registerTask', 'task.defaultMethods', `methods among ${methods.join(', ')}`, JSON.stringify(m));
    }
  }
}
