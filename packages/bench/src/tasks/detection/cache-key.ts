import { metricoptCacheDir } from '@metricopt/core';

// A cache entry's name: the first 16 hex digits of the SHA-256 of a value's canonical JSON (core's configKey).
export { configKey as cacheKey } from '@metricopt/core';

/** `$METRICOPT_CACHE/detection`, else `~/.cache/metricopt/detection`. */
export function detectionCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return metricoptCacheDir('detection', env);
}
