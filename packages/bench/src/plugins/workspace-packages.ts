import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { glob } from 'tinyglobby';
import { parse } from 'yaml';
import { isFile } from './plugin-manifest.js';
import { PluginError } from './plugin-error.js';

export const WORKSPACE_FILE = 'pnpm-workspace.yaml';

/** The nearest directory at or above `cwd` holding a pnpm-workspace.yaml, or undefined. */
export async function findWorkspaceRoot(cwd: string): Promise<string | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (await isFile(join(dir, WORKSPACE_FILE))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The package directories of the pnpm workspace at `root`: the root itself and every directory
 * matched by the `packages` globs of its pnpm-workspace.yaml (`!` globs exclude), holding a
 * package.json, outside node_modules; sorted. A malformed workspace file is a PluginError naming it.
 *
 * ```ts
 * await workspacePackageDirs('/repo');   // ['/repo', '/repo/packages/bench', '/repo/packages/tabular', …]
 * ```
 */
export async function workspacePackageDirs(root: string): Promise<string[]> {
  const file = join(root, WORKSPACE_FILE);
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new PluginError(file, 'manifest', `cannot read the workspace file (${(err as Error).message})`, { cause: err });
  }
  const packages = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>).packages : undefined;
  if (packages === undefined || packages === null) return [root];
  if (!Array.isArray(packages) || !packages.every((p) => typeof p === 'string')) {
    throw new PluginError(file, 'manifest', `"packages" must be a list of globs like packages/*, got ${JSON.stringify(packages)}`);
  }
  const include = packages.filter((p) => !p.startsWith('!')).map((p) => `${trimSlash(p)}/package.json`);
  const exclude = packages.filter((p) => p.startsWith('!')).flatMap((p) => [trimSlash(p.slice(1)), `${trimSlash(p.slice(1))}/package.json`]);
  const manifests = include.length === 0 ? [] : await glob(include, {
    cwd: root,
    ignore: ['**/node_modules/**', ...exclude],
    absolute: true,
    followSymbolicLinks: false,
    expandDirectories: false,
  });
  const dirs = new Set([root, ...manifests.map((m) => dirname(m))]);
  return [...dirs].sort();
}

function trimSlash(pattern: string): string {
  return pattern.replace(/^\.\//, '').replace(/\/+$/, '');
}
