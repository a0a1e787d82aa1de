import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment variable that moves MetricOpt's cache (default ~/.cache/metricopt). */
export const CACHE_ENV_VAR = 'METRICOPT_CACHE';

/** `$METRICOPT_CACHE/<kind>`, else `~/.cache/metricopt/<kind>`. */
export function cacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env[CACHE_ENV_VAR];
  return join(root !== undefined && root !== '' ? root : join(homedir(), '.cache', 'metricopt'), kind);
}

/** JSON with object keys sorted, so equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The first 16 hex digits of the SHA-256 of the config's canonical JSON: the name of its cache entry. */
export function configKey(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/** A SHA-256 over typed arrays (their bytes): ties a cache entry to exact data. */
export function dataFingerprint(...arrays: ArrayBufferView[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex').slice(0, 16);
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fills a cache entry whole or not at all: `write` fills a fresh temporary directory beside
 * `dir`, which is then renamed into place. When another process got there first, theirs is kept.
 */
export async function writeEntry(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!(await isDirectory(dir))) throw err;
  }
}
