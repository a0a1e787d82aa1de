import { metricoptCacheDir } from '@metricopt/core';

// The cache mechanism lives in core; these names stay for the glyph cache and retrieval's public API.
export { CACHE_ENV_VAR, canonicalJson, configKey, dataFingerprint, isDirectory, writeDirAtomic as writeEntry } from '@metricopt/core';

/** `$METRICOPT_CACHE/<kind>`, else `~/.cache/metricopt/<kind>`. */
export function cacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string {
  return metricoptCacheDir(kind, env);
}
