import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FormatError, loadModel, saveModel, writeJsonAtomic } from '@metricopt/core';
import { cacheKey, canonicalJson } from './cache-key.js';

/** How pretraining went, stored beside the model. */
export interface PretrainInfo {
  /** Mean loss of the last steps (null without steps). */
  loss: number | null;
  seconds: number;
}

export interface PretrainedDetector {
  model: tfl.LayersModel;
  cached: boolean;
  dir: string;
  info: PretrainInfo;
}

/**
 * The pretrained detector for `config`: loaded from `<cacheRoot>/detector-<key>/` (model.json,
 * weights.bin, pretrain.json) when there, else built, trained and saved there through a temporary
 * directory renamed into place, so an entry is whole or absent. A corrupt entry is trained again.
 */
export async function loadOrPretrainDetector(options: {
  cacheRoot: string;
  config: Record<string, unknown>;
  build: () => tfl.LayersModel;
  train: (model: tfl.LayersModel) => Promise<PretrainInfo>;
  refresh?: boolean;
}): Promise<PretrainedDetector> {
  const { cacheRoot, config } = options;
  const dir = join(cacheRoot, `detector-${cacheKey(config)}`);
  if (options.refresh === true) await rm(dir, { recursive: true, force: true });
  else if (await stat(dir).then((s) => s.isDirectory(), () => false)) {
    try {
      const info = await readInfo(join(dir, 'pretrain.json'), config);
      return { model: await loadModel(dir), cached: true, dir, info };
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      await rm(dir, { recursive: true, force: true });
    }
  }
  const model = options.build();
  try {
    const info = await options.train(model);
    await mkdir(cacheRoot, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      await saveModel(model, tmp);
      await writeJsonAtomic(join(tmp, 'pretrain.json'), { config, info });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // Another process saved the same entry first: theirs is as good as ours.
      if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw err;
    }
    return { model, cached: false, dir, info };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

async function readInfo(path: string, config: Record<string, unknown>): Promise<PretrainInfo> {
  let parsed: { config?: unknown; info?: PretrainInfo };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new FormatError(path, `cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (canonicalJson(parsed.config) !== canonicalJson(config)) throw new FormatError(path, 'belongs to another config (hash collision or edited file)');
  if (!(typeof parsed.info?.loss === 'number' || parsed.info?.loss === null) || typeof parsed.info.seconds !== 'number') throw new FormatError(path, 'has no pretraining info');
  return parsed.info;
}
