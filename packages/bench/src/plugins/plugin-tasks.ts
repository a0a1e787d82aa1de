import { checkTask, type BenchTask } from '../registry.js';
import { PluginError } from './plugin-error.js';

/** Looks like a task (a plugin's mistake in one is reported, not skipped): an object with a name and a run function. */
function taskLike(value: unknown): value is BenchTask {
  return value !== null && typeof value === 'object' && 'name' in value && typeof (value as { run?: unknown }).run === 'function';
}

/**
 * The BenchTasks a plugin module exports: every export (default included) that is a task, or a
 * list of tasks; `benchTasks`, when exported, must be such a list. Each is checked as
 * registerTask checks it. Nothing task-like, a bad task or two tasks under one name is a
 * PluginError naming the plugin and the export.
 *
 * ```ts
 * tasksOfModule({ tabularTask, VERSION: '1' }, '@metricopt/tabular').map((t) => t.name);   // ['tabular']
 * ```
 */
export function tasksOfModule(exports: Record<string, unknown>, plugin: string): BenchTask[] {
  const tasks: BenchTask[] = [];
  const add = (value: unknown, where: string) => {
    checkExport(value, where, plugin);
    if (!tasks.includes(value)) tasks.push(value);
  };
  for (const [key, value] of Object.entries(exports)) {
    if (Array.isArray(value) && (key === 'benchTasks' || value.some(taskLike))) {
      value.forEach((v, i) => add(v, `export '${key}'[${i}]`));
    } else if (key === 'benchTasks') {
      throw new PluginError(plugin, 'invalid-task', `export 'benchTasks' must be a list of BenchTask objects, got ${typeof value}`);
    } else if (taskLike(value)) {
      add(value, `export '${key}'`);
    }
  }
  if (tasks.length === 0) {
    const names = Object.keys(exports);
    throw new PluginError(plugin, 'no-tasks', 'exports no BenchTask (an object with name, description, defaultMethods, options and run); ' +
      `its exports: ${names.length === 0 ? 'none' : names.join(', ')}`);
  }
  const byName = new Map<string, string>();
  tasks.forEach((t, i) => {
    const other = byName.get(t.name);
    if (other !== undefined) throw new PluginError(plugin, 'duplicate', `exports two different tasks named '${t.name}' (${other} and task #${i + 1})`);
    byName.set(t.name, `task #${i + 1}`);
  });
  return tasks;
}

function checkExport(value: unknown, where: string, plugin: string): asserts value is BenchTask {
  if (!taskLike(value)) {
    throw new PluginError(plugin, 'invalid-task', `${where} is not a BenchTask (an object with a name and a run function)`);
  }
  try {
    checkTask(value);
  } catch (err) {
    throw new PluginError(plugin, 'invalid-task', `${where} (task ${JSON.stringify(value.name)}): ${(err as Error).message}`, { cause: err });
  }
}
