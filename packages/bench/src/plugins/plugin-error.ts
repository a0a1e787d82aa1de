import { MetricOptError } from '@metricopt/core';

/** What went wrong with a task plugin. */
export type PluginErrorKind =
  /** The module, package or package.json entry is not there (e.g. dist/ not built yet). */
  | 'not-found'
  /** package.json's `metricopt` field is malformed. */
  | 'manifest'
  /** Importing the module threw. */
  | 'import'
  /** The module exports nothing that looks like a BenchTask. */
  | 'no-tasks'
  /** An exported task fails the registry's checks. */
  | 'invalid-task'
  /** Two plugins (or a plugin and a built-in task) use one task name. */
  | 'duplicate';

/**
 * A task plugin could not be used. The message names the plugin (package name and the file) and
 * what was wrong.
 *
 * ```ts
 * new PluginError('@acme/tasks (/repo/packages/acme/package.json)', 'not-found', "'./dist/bench-task.js' does not exist (build the package first)").message;
 * // "plugin @acme/tasks (/repo/packages/acme/package.json): './dist/bench-task.js' does not exist (build the package first)"
 * ```
 */
export class PluginError extends MetricOptError {
  override name = 'PluginError';
  constructor(
    /** The plugin, as messages name it: package name (or module path) and where it was declared. */
    readonly plugin: string,
    readonly kind: PluginErrorKind,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin ${plugin}: ${reason}`, options);
  }
}
