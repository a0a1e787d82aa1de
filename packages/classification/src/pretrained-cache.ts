import { loadOrPretrain as loadOrPretrainIn, metricoptCacheDir, type LoadOrPretrainOptions as CoreOptions, type PretrainedEntry } from '@metricopt/core';

export { CACHE_ENV_VAR, configKey, dataFingerprint, type PretrainedEntry } from '@metricopt/core';

/** Where pretrained classifiers are kept: `$METRICOPT_CACHE/pretrained`, else `~/.cache/metricopt/pretrained`. */
export function pretrainedCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return metricoptCacheDir('pretrained', env);
}

/** Core's options, the namespace fixed to `pretrained` (so `cacheDir` defaults to pretrainedCacheDir()). */
export type LoadOrPretrainOptions<Info> = Omit<CoreOptions<Info>, 'namespace'>;

/**
 * Core's `loadOrPretrain` in the `pretrained` namespace: the model for `config` from
 * `<cacheDir>/<configKey(config)>/`, else built, trained and saved there whole.
 *
 * ```ts
 * const { model, cached } = await loadOrPretrain({ config: { dataset: 'fashion-mnist', seed: 1, epochs: 2 },
 *   build: () => buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 }),
 *   train: (m) => pretrainClassifier(m, fashion.train, { epochs: 2, seed: 1 }) });
 * ```
 */
export function loadOrPretrain<Info>(options: LoadOrPretrainOptions<Info>): Promise<PretrainedEntry<Info>> {
  return loadOrPretrainIn({ ...options, namespace: 'pretrained' });
}
