import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeJsonAtomic } from './atomic-write.js';
import { FormatError, InvalidArgumentError, describe } from './errors.js';
import { loadModel, saveModel } from './model-io.js';

/** The environment variable that moves MetricOpt's cache (default ~/.cache/metricopt). */
export const CACHE_ENV_VAR = 'METRICOPT_CACHE';

/** The file beside model.json and weights.bin that holds `{ config, info }`. */
export const PRETRAIN_INFO = 'pretrain.json';

/** `$METRICOPT_CACHE/<namespace>`, else `~/.cache/metricopt/<namespace>`. */
export function metricoptCacheDir(namespace: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env[CACHE_ENV_VAR];
  return join(root !== undefined && root !== '' ? root : join(homedir(), '.cache', 'metricopt'), namespace);
}

/** JSON with object keys sorted and undefined members dropped, so equal configs give equal text. */
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

/** A stable key for a JSON-able config: the first 16 hex digits of the SHA-256 of its canonical JSON. */
export function configKey(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/** A SHA-256 over typed arrays (their bytes): ties a cache entry to the exact data. */
export function dataFingerprint(...arrays: ArrayBufferView[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex').slice(0, 16);
}

/** True when `path` exists and is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Fills a directory whole or not at all: `write` fills a fresh temporary directory beside `dir`,
 * which is then renamed into place. When another process got there first, theirs is kept.
 *
 * ```ts
 * await writeDirAtomic('/cache/glyphs/ab12', async (tmp) => writeJsonAtomic(join(tmp, 'meta.json'), meta));
 * ```
 */
export async function writeDirAtomic(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process saved the same entry first: theirs is as good as ours.
    if (!(await isDirectory(dir))) throw err;
  }
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
  /** The cache's subdirectory: entries live in `metricoptCacheDir(namespace)` unless `cacheDir` is given. */
  namespace: string;
  /** The directory holding the entries (default `metricoptCacheDir(namespace)`). */
  cacheDir?: string;
  /** Put before the key in an entry's name (default ''), for caches shared with other kinds of entries. */
  entryPrefix?: string;
  /** Train again even when the entry exists, and replace it (default false). */
  refresh?: boolean;
  /** Runs before a cached model is loaded (e.g. to register custom layer classes). */
  beforeLoad?: () => void;
  /** Says whether a stored info is well-formed; a cached entry whose info is not is trained again. */
  checkInfo?: (info: unknown) => boolean;
}

/**
 * The pretrained model for `config`: loaded from `<cacheDir>/<entryPrefix><configKey(config)>/` when
 * it is there, else built, trained and saved there (into a temporary directory renamed into place,
 * so an entry is whole or absent). A corrupt entry, or one stored for another config, is trained
 * again and replaced.
 *
 * ```ts
 * const { model, cached } = await loadOrPretrain({ namespace: 'pretrained', config: { dataset: 'fashion-mnist', seed: 1, epochs: 2 },
 *   build: () => buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 }),
 *   train: (m) => pretrainClassifier(m, fashion.train, { epochs: 2, seed: 1 }) });
 * ```
 */
export async function loadOrPretrain<Info>(options: LoadOrPretrainOptions<Info>): Promise<PretrainedEntry<Info>> {
  const { config, build, train } = options;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new InvalidArgumentError('loadOrPretrain', 'config', 'a JSON-able object', describe(config));
  if (options.cacheDir === undefined && (typeof options.namespace !== 'string' || options.namespace === '')) {
    throw new InvalidArgumentError('loadOrPretrain', 'namespace', 'a non-empty string (or a cacheDir)', describe(options.namespace));
  }
  const root = options.cacheDir ?? metricoptCacheDir(options.namespace);
  const dir = join(root, `${options.entryPrefix ?? ''}${configKey(config)}`);
  if (options.refresh === true) await rm(dir, { recursive: true, force: true });
  else if (await isDirectory(dir)) {
    try {
      const info = await readInfo<Info>(join(dir, PRETRAIN_INFO), config, options.checkInfo);
      options.beforeLoad?.();
      return { model: await loadModel(dir), cached: true, dir, info };
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      await rm(dir, { recursive: true, force: true });
    }
  }
  const model = build();
  try {
    const info = await train(model);
    await writeDirAtomic(dir, async (tmp) => {
      await saveModel(model, tmp);
      await writeJsonAtomic(join(tmp, PRETRAIN_INFO), { config, info });
    });
    return { model, cached: false, dir, info };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function readInfo<Info>(path: string, config: Record<string, unknown>, checkInfo: ((info: unknown) => boolean) | undefined): Promise<Info> {
  let parsed: { config?: unknown; info?: unknown };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new FormatError(path, `cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object') throw new FormatError(path, 'is not a JSON object');
  if (canonicalJson(parsed.config) !== canonicalJson(config)) throw new FormatError(path, 'belongs to another config (hash collision or edited file)');
  if (checkInfo !== undefined && !checkInfo(parsed.info)) throw new FormatError(path, 'has no well-formed pretraining info');
  return parsed.info as Info;
}
