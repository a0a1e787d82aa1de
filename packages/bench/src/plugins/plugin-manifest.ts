import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PluginError } from './plugin-error.js';
import type { PluginOrigin, PluginSource } from './plugin-source.js';

/** The package.json field a task package declares: `"metricopt": { "benchTasks": "./dist/bench-task.js" }` (or a list of modules). */
export const PLUGIN_FIELD = 'metricopt';
export const PLUGIN_ENTRY = 'benchTasks';

/**
 * The task modules a package declares in its package.json, checked: each a path inside the
 * package that exists. A package without the `metricopt` field is no plugin ([]); a malformed
 * field or a missing module is a PluginError naming the package and its package.json.
 *
 * ```ts
 * await readPluginManifest('/repo/packages/tabular', 'workspace');
 * // [{ origin: 'workspace', name: '@metricopt/tabular', module: '/repo/packages/tabular/dist/bench-task.js', manifest: '/repo/packages/tabular/package.json' }]
 * ```
 */
export async function readPluginManifest(packageDir: string, origin: PluginOrigin): Promise<PluginSource[]> {
  const manifest = join(packageDir, 'package.json');
  let text: string;
  try {
    text = await readFile(manifest, 'utf8');
  } catch (err) {
    throw new PluginError(manifest, 'not-found', `cannot read package.json (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch (err) {
    throw new PluginError(manifest, 'manifest', `package.json is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (pkg === null || typeof pkg !== 'object' || Array.isArray(pkg)) throw new PluginError(manifest, 'manifest', 'package.json is not a JSON object');
  const record = pkg as Record<string, unknown>;
  const name = typeof record.name === 'string' && record.name.length > 0 ? record.name : packageDir;
  const label = `${name} (${manifest})`;
  if (!Object.hasOwn(record, PLUGIN_FIELD)) return [];
  const field = record[PLUGIN_FIELD];
  if (field === null || typeof field !== 'object' || Array.isArray(field)) {
    throw new PluginError(label, 'manifest', `"${PLUGIN_FIELD}" must be an object like { "${PLUGIN_ENTRY}": "./dist/bench-task.js" }, got ${JSON.stringify(field)}`);
  }
  const entry = (field as Record<string, unknown>)[PLUGIN_ENTRY];
  const entries = typeof entry === 'string' ? [entry] : entry;
  if (!Array.isArray(entries) || entries.length === 0 || !entries.every((e) => typeof e === 'string' && e.length > 0)) {
    throw new PluginError(label, 'manifest', `"${PLUGIN_FIELD}.${PLUGIN_ENTRY}" must be a module path like "./dist/bench-task.js" (or a list of them), got ${JSON.stringify(entry)}`);
  }
  const sources: PluginSource[] = [];
  for (const e of entries as string[]) {
    const module = resolve(packageDir, e);
    const inside = relative(packageDir, module);
    if (isAbsolute(e) || inside.startsWith('..') || isAbsolute(inside)) {
      throw new PluginError(label, 'manifest', `"${PLUGIN_FIELD}.${PLUGIN_ENTRY}" must be a path inside the package like "./dist/bench-task.js", got ${JSON.stringify(e)}`);
    }
    if (!(await isFile(module))) {
      throw new PluginError(label, 'not-found', `"${PLUGIN_FIELD}.${PLUGIN_ENTRY}" names ${JSON.stringify(e)}, which does not exist (is the package built?)`);
    }
    sources.push({ origin, name, module, manifest });
  }
  return sources;
}

export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
