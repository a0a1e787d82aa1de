import { access, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, writeJsonAtomic } from '@metricopt/core';
import {
  generateScenes, loadCocoDataset, loadVocDataset, sceneItems, writeScenes, type CocoAnnotation, type CocoGroundTruth, type CocoId, type DetectionDataset,
} from '@metricopt/detection';
import { UsageError } from '../../bench-config.js';
import type { BenchReporter } from '../../reporter.js';
import { cacheKey, detectionCacheDir } from './cache-key.js';
import type { DetectionSettings } from './detection-settings.js';

/** The suite's data: training images (pretraining and the finetune loss), a held-out pool (metric split + twin per seed), test. */
export interface DetectionData {
  train: DetectionDataset;
  pool: DetectionDataset;
  test: DetectionDataset;
  /** Class index → category id (the same in every part). */
  categoryIds: CocoId[];
  /** What the pretrained detector depends on: the data's identity. */
  fingerprint: Record<string, unknown>;
  dispose(): void;
}

const SPLITS = ['train', 'pool', 'test'] as const;

/**
 * Generated scenes, cached on disk by their settings: `<cache>/scenes-<key>/{train,pool,test}/`
 * (COCO JSON + PNGs), read back through the COCO loader. Train and pool paste the items' training
 * images, test their test images.
 */
export async function sceneData(settings: DetectionSettings, cacheRoot: string, reporter: BenchReporter): Promise<DetectionData> {
  const spec = {
    format: 1,
    items: settings.items,
    counts: { train: settings.trainScenes, pool: settings.poolScenes, test: settings.testScenes },
    objects: [settings.minObjects, settings.maxObjects],
    seed: settings.sceneSeed,
    size: settings.imageSize,
    // Absent when balanced, so scenes cached before the option existed keep their key.
    ...(settings.imbalance !== 1 ? { imbalance: settings.imbalance } : {}),
  };
  const dir = join(cacheRoot, `scenes-${cacheKey(spec)}`);
  const files = SPLITS.map((s) => join(dir, s, 'annotations.json'));
  const present = await Promise.all(files.map((f) => access(f).then(() => true, () => false)));
  if (!present.every(Boolean)) {
    const started = performance.now();
    reporter.begin('scenes', SPLITS.length, 'splits');
    const items = await sceneItems(settings.items);
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      for (const [i, split] of SPLITS.entries()) {
        const scenes = generateScenes(split === 'test' ? items.test : items.train, {
          count: spec.counts[split],
          seed: settings.sceneSeed * 1000 + i,
          size: settings.imageSize,
          minObjects: settings.minObjects,
          maxObjects: settings.maxObjects,
          ...(settings.imbalance !== 1 ? { classWeights: longTailWeights(items.train.classNames.length, settings.imbalance) } : {}),
        });
        await writeScenes(scenes, join(tmp, split));
        reporter.progress(i + 1);
      }
      await mkdir(cacheRoot, { recursive: true });
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    reporter.end(`${SPLITS.map((s) => `${spec.counts[s]} ${s}`).join(', ')} canvases in ${((performance.now() - started) / 1000).toFixed(1)} s, written to ${dir}`);
  }
  const channels = settings.channels ?? 1;
  const loaded: DetectionDataset[] = [];
  try {
    for (const s of SPLITS) loaded.push(await loadCocoDataset({ annotations: join(dir, s, 'annotations.json'), imageDir: join(dir, s, 'images'), channels }));
  } catch (err) {
    tf.dispose(loaded.map((d) => d.images));
    throw err;
  }
  const [train, pool, test] = loaded as [DetectionDataset, DetectionDataset, DetectionDataset];
  return withDispose({ train, pool, test, categoryIds: train.categoryIds, fingerprint: { scenes: spec, channels } });
}

/**
 * A COCO dataset, in either layout: `dir/{train,test}/annotations.json` (images beside them in
 * `images/`), or COCO 2017's `dir/annotations/instances_{train,val}2017.json` with `dir/train2017/`
 * and `dir/val2017/` (val is the test split). Images are stretched to the input size; a seeded
 * `poolFraction` of the training images is held out as the pool. With `maxImages`, only the first
 * that many images by id of each split are read (through trimmed annotation files in the cache).
 */
export async function cocoData(dir: string | undefined, settings: DetectionSettings): Promise<DetectionData> {
  if (dir === undefined) {
    throw new UsageError('--dataset coco needs --data-dir DIR holding train/annotations.json and test/annotations.json (images in train/images/, test/images/), ' +
      'or COCO 2017: annotations/instances_train2017.json, annotations/instances_val2017.json, train2017/, val2017/');
  }
  const channels = settings.channels ?? 3;
  const resize = { width: settings.imageSize, height: settings.imageSize };
  const layout = await cocoLayout(dir);
  const open = async (split: 'train' | 'test') => {
    const { annotations, imageDir } = layout[split];
    const trimmed = settings.maxImages === null ? annotations : await trimCocoAnnotations(annotations, settings.maxImages, settings.cacheDir ?? detectionCacheDir());
    return loadCocoDataset({ annotations: trimmed, imageDir, channels, resize });
  };
  return withPool(dir, await open('train'), () => open('test'), settings, {
    coco: dir, channels, ...(layout.name === 'coco2017' ? { layout: layout.name } : {}), ...(settings.maxImages === null ? {} : { maxImages: settings.maxImages }),
  });
}

interface CocoSplitFiles {
  annotations: string;
  imageDir: string;
}

/** Where a COCO directory keeps its splits: ours (`train/`, `test/`) or COCO 2017's; neither is a UsageError naming both. */
export async function cocoLayout(dir: string): Promise<{ name: 'splits' | 'coco2017'; train: CocoSplitFiles; test: CocoSplitFiles }> {
  const exists = (p: string) => access(p).then(() => true, () => false);
  if (await exists(join(dir, 'train', 'annotations.json'))) {
    const split = (s: string) => ({ annotations: join(dir, s, 'annotations.json'), imageDir: join(dir, s, 'images') });
    return { name: 'splits', train: split('train'), test: split('test') };
  }
  if (await exists(join(dir, 'annotations', 'instances_train2017.json'))) {
    const split = (s: string) => ({ annotations: join(dir, 'annotations', `instances_${s}2017.json`), imageDir: join(dir, `${s}2017`) });
    return { name: 'coco2017', train: split('train'), test: split('val') };
  }
  throw new UsageError(`${dir}: no COCO data: expected train/annotations.json (and test/) or annotations/instances_train2017.json (and val2017)`);
}

/**
 * A copy of a COCO instances file with only the first `max` images by id and their annotations,
 * written once to `<cacheRoot>/coco-subsets/` (keyed by the file, its size and time, and `max`).
 */
export async function trimCocoAnnotations(path: string, max: number, cacheRoot: string): Promise<string> {
  const info = await stat(path);
  const out = join(cacheRoot, 'coco-subsets', `${cacheKey({ path, size: info.size, mtime: info.mtimeMs, max })}.json`);
  if (await access(out).then(() => true, () => false)) return out;
  let gt: { images?: { id: CocoId }[]; annotations?: { image_id: CocoId }[] };
  try {
    gt = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: cannot read the COCO annotations (${(err as Error).message})`);
  }
  if (!Array.isArray(gt?.images) || !Array.isArray(gt.annotations)) throw new UsageError(`${path}: not a COCO instances file (images and annotations lists)`);
  const images = [...gt.images].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, max);
  const keep = new Set(images.map((img) => img.id));
  await mkdir(join(cacheRoot, 'coco-subsets'), { recursive: true });
  await writeJsonAtomic(out, { ...gt, images, annotations: gt.annotations.filter((a) => keep.has(a.image_id)) });
  return out;
}

/**
 * A Pascal VOC year directory (`VOCdevkit/VOC2007`, or a directory holding `VOC2007/` or
 * `VOCdevkit/VOC2007/`): trainval for training and the pool, test for testing, RGB stretched to
 * the input size; with `maxImages`, the first that many of each split.
 */
export async function vocData(dir: string | undefined, settings: DetectionSettings): Promise<DetectionData> {
  if (dir === undefined) throw new UsageError('--dataset voc needs --data-dir DIR: the VOC year directory (VOCdevkit/VOC2007, holding Annotations/, JPEGImages/, ImageSets/Main/)');
  const exists = (p: string) => access(p).then(() => true, () => false);
  const candidates = [dir, join(dir, 'VOC2007'), join(dir, 'VOCdevkit', 'VOC2007')];
  let root: string | undefined;
  for (const c of candidates) {
    if (await exists(join(c, 'ImageSets', 'Main'))) {
      root = c;
      break;
    }
  }
  if (root === undefined) throw new UsageError(`${dir}: no Pascal VOC year directory (ImageSets/Main/ not found in ${candidates.join(', ')})`);
  const channels = settings.channels ?? 3;
  const resize = { width: settings.imageSize, height: settings.imageSize };
  const open = async (split: string) => {
    const ds = await loadVocDataset({ root: root!, split, channels, resize });
    if (settings.maxImages === null || ds.imageIds.length <= settings.maxImages) return ds;
    try {
      return subset(ds, Array.from({ length: settings.maxImages }, (_, i) => i));
    } finally {
      ds.images.dispose();
    }
  };
  return withPool(root, await open('trainval'), () => open('test'), settings, { voc: root, maxImages: settings.maxImages, channels });
}

/** Holds a seeded `poolFraction` of `all` out as the pool (the rest trains); opens the test split; disposes `all`. */
async function withPool(
  dir: string, all: DetectionDataset, openTest: () => Promise<DetectionDataset>, settings: DetectionSettings, identity: Record<string, unknown>,
): Promise<DetectionData> {
  let test: DetectionDataset;
  try {
    test = await openTest();
  } catch (err) {
    all.images.dispose();
    throw err;
  }
  try {
    if (all.categoryIds.join() !== test.categoryIds.join()) {
      throw new UsageError(`${dir}: train and test have different categories ([${all.categoryIds.join(', ')}] vs [${test.categoryIds.join(', ')}])`);
    }
    const n = all.imageIds.length;
    const poolCount = Math.round(n * settings.poolFraction);
    if (poolCount < 2 || poolCount >= n) throw new UsageError(`${dir}: ${n} training images are too few to hold out a pool of ${poolCount} (--pool-fraction ${settings.poolFraction})`);
    const order = new Rng(settings.sceneSeed).permutation(n);
    const train = subset(all, order.slice(poolCount));
    const pool = subset(all, order.slice(0, poolCount));
    return withDispose({
      train, pool, test, categoryIds: all.categoryIds,
      fingerprint: { ...identity, images: n, annotations: cacheKey(all.gt.annotations), pool: poolCount, seed: settings.sceneSeed, size: settings.imageSize },
    });
  } catch (err) {
    test.images.dispose();
    throw err;
  } finally {
    all.images.dispose();
  }
}

/** Rows of a dataset (images gathered, ground truth filtered to them). */
export function subset(ds: DetectionDataset, rows: ArrayLike<number>): DetectionDataset {
  const ids = Array.from(rows, (r) => ds.imageIds[r]!);
  const keep = new Set<CocoId>(ids);
  const byId = new Map(ds.gt.images.map((img) => [img.id, img]));
  const gt: CocoGroundTruth = {
    ...ds.gt,
    images: ids.map((id) => byId.get(id)!),
    annotations: ds.gt.annotations.filter((a) => keep.has(a.image_id)),
  };
  const images = tf.tidy(() => tf.gather(ds.images, tf.tensor1d(Int32Array.from(rows), 'int32'))) as tf.Tensor4D;
  return { ...ds, gt, images, imageIds: ids };
}

/**
 * One ground truth over several datasets' images, renumbered: image ids 1… in order (dataset by
 * dataset, row by row) and fresh annotation ids, so that one metric serves every split. Returns it
 * and each dataset's first global row.
 */
export function combinedGroundTruth(parts: readonly DetectionDataset[]): { gt: CocoGroundTruth; imageIds: number[]; offsets: number[] } {
  const gt: CocoGroundTruth = { images: [], annotations: [], categories: parts[0]?.gt.categories ?? [] };
  const offsets: number[] = [];
  for (const ds of parts) {
    const offset = gt.images.length;
    offsets.push(offset);
    const idOf = new Map(ds.imageIds.map((id, r) => [id, offset + r + 1]));
    ds.gt.images.forEach((img, r) => gt.images.push({ ...img, id: offset + r + 1 }));
    for (const a of ds.gt.annotations) {
      const image = idOf.get(a.image_id);
      if (image !== undefined) gt.annotations.push({ ...a, id: gt.annotations.length + 1, image_id: image } as CocoAnnotation);
    }
  }
  return { gt, imageIds: gt.images.map((img) => img.id as number), offsets };
}

function withDispose(data: Omit<DetectionData, 'dispose'>): DetectionData {
  return { ...data, dispose: () => tf.dispose([data.train.images, data.pool.images, data.test.images]) };
}

/** Class c's relative frequency imbalance^(c/(C−1)): class 0 the most common, class C−1 `imbalance` times as common. */
export function longTailWeights(numClasses: number, imbalance: number): number[] {
  return Array.from({ length: numClasses }, (_, c) => (numClasses === 1 ? 1 : imbalance ** (c / (numClasses - 1))));
}
