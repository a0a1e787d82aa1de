import { UsageError } from '../bench-config.js';
import { PLUGINS_ENV_VAR, type PluginDiscoveryOptions } from './discover-plugins.js';
import { loadPlugins, registerPlugins } from './load-plugins.js';
import type { PluginError } from './plugin-error.js';

/** Where and how the CLI looks for task plugins (tests point it at fixture directories). */
export type PluginContext = Omit<PluginDiscoveryOptions, 'plugins'>;

export const PLUGIN_FLAG = '--plugin';

/** Takes every `--plugin <module>` / `--plugin=<module>` out of argv (before a `--`); they apply before commander builds the commands. */
export function extractPluginFlags(argv: readonly string[]): { argv: string[]; plugins: string[] } {
  const rest: string[] = [];
  const plugins: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === PLUGIN_FLAG) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('-')) throw new UsageError(`${PLUGIN_FLAG} needs a module: a file path, a package directory or a package name`);
      plugins.push(value);
      i++;
    } else if (arg.startsWith(`${PLUGIN_FLAG}=`)) {
      plugins.push(arg.slice(PLUGIN_FLAG.length + 1));
    } else {
      rest.push(arg);
    }
  }
  return { argv: rest, plugins };
}

let skipped: PluginError[] = [];

/**
 * Finds, imports and registers task plugins for one CLI run; returns argv without the --plugin
 * flags. A plugin named by --plugin or METRICOPT_PLUGINS that fails, or a task name defined twice,
 * throws a PluginError; a scanned package that fails is skipped with a warning on `stderr`.
 */
export async function registerTaskPlugins(argv: readonly string[], stderr: NodeJS.WritableStream, context: PluginContext = {}): Promise<string[]> {
  const { argv: rest, plugins: named } = extractPluginFlags(argv);
  const { plugins, failures } = await loadPlugins({ ...context, plugins: named });
  const fatal = failures.find((f) => f.origin === 'flag' || f.origin === 'env');
  if (fatal !== undefined) throw fatal.error;
  skipped = failures.map((f) => f.error);
  for (const error of skipped) stderr.write(`warning: ${error.message} (skipped)\n`);
  registerPlugins(plugins);
  return rest;
}

/** For an unknown-task message: the scanned plugins that were skipped this run, or ''. */
export function skippedPluginsNote(): string {
  return skipped.length === 0 ? '' : ` (skipped plugins: ${skipped.map((e) => e.plugin).join('; ')})`;
}

export const PLUGIN_HELP = `load task plugins from a module (file, package directory or package name); repeatable; also $${PLUGINS_ENV_VAR}`;
