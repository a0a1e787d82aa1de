import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FormatError, InvalidArgumentError, describe, loadModel, saveModel, writeJsonAtomic } from '@metricopt/core';
import { L2Normalize } from '../models/l2-normalize.js';
import { cacheDir, canonicalJson, configKey, isDirectory, writeEntry } from './cache-dir.js';

export interface PretrainedEmbedding<Info> {
  model: tfl.LayersModel;
  /** True when the model came from the cache. */
  cached: boolean;
  /** Its directory (model.json, weights.bin, pretrain.json). */
  dir: string;
  /** What `train` returned (kept with the model, so a cached entry has it too). */
  info: Info;
}

export interface LoadOrPretrainEmbeddingOptions<Info> {
  /** Everything the weights depend on (dataset and its fingerprint, split, seed, architecture, loss, steps, …). */
  config: Record<string, unknown>;
  build: () => tfl.LayersModel;
  /** Trains the built model in place; returns a JSON-able summary. */
  train: (model: tfl.LayersModel) => Promise<Info>;
  /** Default $METRICOPT_CACHE/pretrained-embeddings (or ~/.cache/metricopt/pretrained-embeddings). */
  cacheDir?: string;
  /** Train again and replace the entry. */
  refresh?: boolean;
}

/**
 * The pretrained embedding model for `config`: loaded from `<cacheDir>/<configKey(config)>/` when
 * there, else built, trained and saved there whole (a temporary directory renamed into place). A
 * corrupt entry is trained again.
 *
 * ```ts
 * const { model, cached } = await loadOrPretrainEmbedding({ config: { dataset: 'glyphs', seed: 1, steps: 600 },
 *   build: () => buildEmbeddingModel({ inputShape: [32, 32, 1], seed: 1 }),
 *   train: (m) => pretrainEmbedding(m, glyphs, { indices: splits.train, steps: 600, loss: contrastiveLoss(), seed: 1 }) });
 * ```
 */
export async function loadOrPretrainEmbedding<Info>(options: LoadOrPretrainEmbeddingOptions<Info>): Promise<PretrainedEmbedding<Info>> {
  const { config, build, train } = options;
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError('loadOrPretrainEmbedding', 'config', 'a JSON-able object', describe(config));
  tf.serialization.registerClass(L2Normalize);
  const root = options.cacheDir ?? cacheDir('pretrained-embeddings');
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
    await writeEntry(dir, async (tmp) => {
      await saveModel(model, tmp);
      await writeJsonAtomic(join(tmp, 'pretrain.json'), { config, info });
    });
    return { model, cached: false, dir, info };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function readInfo<Info>(path: string, config: Record<string, unknown>): Promise<Info> {
  let parsed: { config?: unknown; info?: Info };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new FormatError(path, `cannot be read as JSON (${(err as Error).message})`, { cause: err });
  }
  if (canonicalJson(parsed.config) !== canonicalJson(config)) throw new FormatError(path, 'belongs to another config (hash collision or edited file)');
  return parsed.info as Info;
}
