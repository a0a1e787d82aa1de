import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The first 16 hex digits of the SHA-256 of a value's canonical JSON (object keys sorted): a cache entry's name. */
export function cacheKey(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `$METRICOPT_CACHE/detection`, else `~/.cache/metricopt/detection`. */
export function detectionCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.METRICOPT_CACHE;
  return join(root !== undefined && root !== '' ? root : join(homedir(), '.cache', 'metricopt'), 'detection');
}
