import { pathToFileURL } from 'node:url';
import { listTasks, registerTask, type BenchTask } from '../registry.js';
import { discoverPlugins, type PluginDiscoveryOptions, type PluginFailure } from './discover-plugins.js';
import { PluginError } from './plugin-error.js';
import { pluginLabel, type PluginSource } from './plugin-source.js';
import { tasksOfModule } from './plugin-tasks.js';

/** A plugin module, imported, with the tasks it exports. */
export interface LoadedPlugin {
  source: PluginSource;
  tasks: BenchTask[];
}

/**
 * Imports one plugin module and returns its tasks; a failed import or bad exports is a PluginError
 * naming the plugin.
 *
 * ```ts
 * (await importPlugin({ origin: 'flag', name: './my-task.js', module: '/work/my-task.js' })).tasks[0].name;   // 'my-task'
 * ```
 */
export async function importPlugin(source: PluginSource): Promise<LoadedPlugin> {
  const label = pluginLabel(source);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(source.module).href)) as Record<string, unknown>;
  } catch (err) {
    throw new PluginError(label, 'import', `importing ${source.module} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { source, tasks: tasksOfModule(exports, label) };
}

/** Finds plugins (discoverPlugins) and imports each; what fails lands in `failures` with how it was found. */
export async function loadPlugins(options: PluginDiscoveryOptions = {}): Promise<{ plugins: LoadedPlugin[]; failures: PluginFailure[] }> {
  const { sources, failures } = await discoverPlugins(options);
  const plugins: LoadedPlugin[] = [];
  for (const source of sources) {
    try {
      plugins.push(await importPlugin(source));
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      failures.push({ origin: source.origin, error: err });
    }
  }
  return { plugins, failures };
}

// Task name → who registered it, for duplicate messages.
const taskOrigins = new Map<string, string>();

/**
 * Registers the plugins' tasks. A task name taken by another task (built in or from another
 * plugin) is a PluginError naming both; the same task object found twice is registered once.
 */
export function registerPlugins(plugins: readonly LoadedPlugin[]): BenchTask[] {
  const registered: BenchTask[] = [];
  for (const plugin of plugins) {
    const label = pluginLabel(plugin.source);
    for (const task of plugin.tasks) {
      const taken = listTasks().some((t) => t.name === task.name);
      try {
        registered.push(registerTask(task));
      } catch (err) {
        if (!taken) throw err;
        const first = taskOrigins.get(task.name) ?? '@metricopt/bench (built in)';
        throw new PluginError(label, 'duplicate', `task '${task.name}' is also defined by ${first}; rename one of them or drop a plugin`, { cause: err });
      }
      if (!taskOrigins.has(task.name)) taskOrigins.set(task.name, label);
    }
  }
  return registered;
}
