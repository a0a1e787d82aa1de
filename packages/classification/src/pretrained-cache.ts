import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FormatError, InvalidArgumentError, describe, loadModel, saveModel, writeJsonAtomic } from '@metricopt/core';

/** The environment variable that moves MetricOpt's cache (default ~/.cache/metricopt). */
export const CACHE_ENV_VAR = 'METRICOPT_CACHE';

/** Where pretrained models are kept: `$METRICOPT_CACHE/pretrained`, else `~/.cache/metricopt/pretrained`. */
export function pretrainedCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env[CACHE_ENV_VAR];
  return join(root !== undefined && root !== '' ? root : join(homedir(), '.cache', 'metricopt'), 'pretrained');
}

/** A stable key for a JSON-able config: the first 16 hex digits of the SHA-256 of its canonical JSON (keys sorted). */
export function configKey(config: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A SHA-256 over typed arrays (their bytes): ties a cache entry to the exact training data. */
export function dataFingerprint(...arrays: ArrayBufferView[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex').slice(0, 16);
}

export interface PretrainedEntry<Info> {
  model: tfl.LayersModel;
  /** True when the model came from the cache. */
  cached: boolean;
  /** Its directory: model.json, weights.bin, pretrain.json. */
  dir: string;
  /** What `train` returned (stored with the model, so a cached entry has it too). */
  info: Info;
}

export interface LoadOrPretrainOptions<Info> {
  /** Everything the pretrained weights depend on (dataset, data fingerprint, split, seed, architecture, epochs, …). */
  config: Record<string, unknown>;
  /** Builds the untrained model. */
  build: () => tfl.LayersModel;
  /** Trains it in place and says how it went (JSON-able). */
  train: (model: tfl.LayersModel) => Promise<Info>;
  /** Default pretrainedCacheDir(). */
  cacheDir?: string;
  /** Train again even when the entry exists, and replace it (default false). */
  refresh?: boolean;
}

/**
 * The pretrained model for `config`: loaded from `<cacheDir>/<configKey(config)>/` when it is
 * there, else built, trained and saved there (into a temporary directory renamed into place, so
 * an entry is whole or absent). A corrupt entry is trained again and replaced.
 *
 * ```ts
 * const { model, cached } = await loadOrPretrain({ config: { dataset: 'fashion-mnist', seed: 1, epochs: 2 },
 *   build: () => buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 }),
 *   train: (m) => pretrainClassifier(m, fashion.train, { epochs: 2, seed: 1 }) });
 * ```
 */
export async function loadOrPretrain<Info>(options: LoadOrPretrainOptions<Info>): Promise<PretrainedEntry<Info>> {
  const { config, build, train } = options;
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError('loadOrPretrain', 'config', 'a JSON-able object', describe(config));
  const root = options.cacheDir ?? pretrainedCacheDir();
  const dir = join(root, configKey(config));
  if (options.refresh === true) await rm(dir, { recursive: true, force: true });
  else if (await isDirectory(dir)) {
    try {
      const info = await readInfo<Info>(join(dir, 'pretrain.json'), config);
      return { model: await loadModel(dir), cached: true, dir, info };
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      await rm(dir, { recursive: true, force: true });
    }
  }
  const model = build();
  try {
    const info = await train(model);
    await mkdir(root, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      await saveModel(model, tmp);
      await writeJsonAtomic(join(tmp, 'pretrain.json'), { config, info });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // Another process saved the same entry first: theirs is as good as ours.
      if (!(await isDirectory(dir))) throw err;
    }
    return { model, cached: false, dir, info };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function readInfo<Info>(path: string, config: Record<string, unknown>): Promise<Info> {
  let parsed: { config?: unknown; info?: Info };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new FormatError(path, `cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (canonicalJson(parsed.config) !== canonicalJson(config)) throw new FormatError(path, 'belongs to another config (hash collision or edited file)');
  return parsed.info as Info;
}
