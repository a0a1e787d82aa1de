import { readdir, realpath } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { PluginError } from './plugin-error.js';
import { isDirectory, isFile, readPluginManifest } from './plugin-manifest.js';
import type { PluginOrigin, PluginSource } from './plugin-source.js';
import { findWorkspaceRoot, workspacePackageDirs } from './workspace-packages.js';

/** The environment variable listing plugin modules (separated by the path delimiter or commas). */
export const PLUGINS_ENV_VAR = 'METRICOPT_PLUGINS';

export interface PluginDiscoveryOptions {
  /** Where to look (default process.cwd()). */
  cwd?: string;
  /** Read for METRICOPT_PLUGINS (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Modules from `--plugin`: file paths, package directories or package names. */
  plugins?: readonly string[];
  /** Scan the pnpm workspace and the cwd's node_modules (default true). */
  scan?: boolean;
}

/** A plugin that could not be used, and how it was found (a scanned one is skipped; a named one is fatal). */
export interface PluginFailure {
  origin: PluginOrigin;
  error: PluginError;
}

/**
 * Finds task plugins: the packages of the pnpm workspace that holds `cwd` and the packages in
 * `cwd/node_modules` whose package.json declares `"metricopt": { "benchTasks": … }`, then the
 * modules named by METRICOPT_PLUGINS and `plugins`. Each module is listed once (by real path).
 *
 * ```ts
 * const { sources, failures } = await discoverPlugins({ cwd: '/repo', plugins: ['./my-task.js'] });
 * sources.map((s) => s.name);   // ['@metricopt/tabular', './my-task.js']
 * ```
 */
export async function discoverPlugins(options: PluginDiscoveryOptions = {}): Promise<{ sources: PluginSource[]; failures: PluginFailure[] }> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const found: PluginSource[] = [];
  const failures: PluginFailure[] = [];
  const collect = async (origin: PluginOrigin, find: () => Promise<PluginSource[]>) => {
    try {
      found.push(...(await find()));
    } catch (err) {
      if (!(err instanceof PluginError)) throw err;
      failures.push({ origin, error: err });
    }
  };
  if (options.scan !== false) {
    const root = await findWorkspaceRoot(cwd);
    if (root !== undefined) {
      let dirs: string[] = [];
      await collect('workspace', async () => ((dirs = await workspacePackageDirs(root)), []));
      for (const dir of dirs) await collect('workspace', () => readPluginManifest(dir, 'workspace'));
    }
    for (const dir of await nodeModulesPackages(join(cwd, 'node_modules'))) await collect('node_modules', () => readPluginManifest(dir, 'node_modules'));
  }
  const envList = (env[PLUGINS_ENV_VAR] ?? '').split(new RegExp(`[,${escape(delimiter)}]`)).map((s) => s.trim()).filter((s) => s.length > 0);
  for (const spec of envList) await collect('env', () => explicitPlugin(spec, 'env', cwd));
  for (const spec of options.plugins ?? []) await collect('flag', () => explicitPlugin(spec, 'flag', cwd));

  const seen = new Set<string>();
  const sources: PluginSource[] = [];
  for (const source of found) {
    const key = await realpath(source.module).catch(() => source.module);
    if (seen.has(key)) continue;
    seen.add(key);
    sources.push(source);
  }
  return { sources, failures };
}

/**
 * A module named on the command line or in METRICOPT_PLUGINS: a file path (imported as is), a
 * package directory or a package name found in a node_modules at or above `cwd` (its package.json
 * must declare `metricopt.benchTasks`).
 */
export async function explicitPlugin(spec: string, origin: PluginOrigin, cwd: string): Promise<PluginSource[]> {
  const path = resolve(cwd, spec);
  if (await isFile(path)) return [{ origin, name: spec, module: path }];
  let dir: string | undefined = (await isDirectory(path)) ? path : undefined;
  if (dir === undefined && /^(@[\w.-]+\/)?[\w.-]+$/.test(spec) && !spec.startsWith('.')) dir = await findPackage(spec, cwd);
  if (dir === undefined) {
    throw new PluginError(spec, 'not-found', `no file, package directory or installed package by that name (looked from ${cwd})`);
  }
  const sources = await readPluginManifest(dir, origin);
  if (sources.length === 0) {
    throw new PluginError(`${spec} (${join(dir, 'package.json')})`, 'manifest', 'its package.json declares no "metricopt": { "benchTasks": "./dist/…js" }');
  }
  return sources;
}

async function findPackage(name: string, cwd: string): Promise<string | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (await isFile(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The package directories directly in a node_modules (scoped ones too), without .bin, .pnpm and the like. */
async function nodeModulesPackages(nodeModules: string): Promise<string[]> {
  const names = await readdir(nodeModules).catch(() => [] as string[]);
  const dirs: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const inner of (await readdir(join(nodeModules, name)).catch(() => [] as string[])).sort()) {
        if (!inner.startsWith('.')) dirs.push(join(nodeModules, name, inner));
      }
    } else {
      dirs.push(join(nodeModules, name));
    }
  }
  const withManifest: string[] = [];
  for (const dir of dirs) if (await isFile(join(dir, 'package.json'))) withManifest.push(dir);
  return withManifest;
}

function escape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
}
