import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@metricopt/core';
import {
  generateScenes, loadCocoDataset, sceneItems, writeScenes, type CocoAnnotation, type CocoGroundTruth, type CocoId, type DetectionDataset,
} from '@metricopt/detection';
import { UsageError } from '../../bench-config.js';
import type { BenchReporter } from '../../reporter.js';
import { cacheKey } from './cache-key.js';
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
 * A COCO dataset in `dir/{train,test}/annotations.json` (images beside them in `images/`), stretched
 * to the input size; a seeded `poolFraction` of the training images is held out as the pool.
 */
export async function cocoData(dir: string | undefined, settings: DetectionSettings): Promise<DetectionData> {
  if (dir === undefined) throw new UsageError("--dataset coco needs --data-dir DIR holding train/annotations.json and test/annotations.json (images in train/images/, test/images/)");
  const channels = settings.channels ?? 3;
  const resize = { width: settings.imageSize, height: settings.imageSize };
  const open = (split: string) => loadCocoDataset({ annotations: join(dir, split, 'annotations.json'), imageDir: join(dir, split, 'images'), channels, resize });
  const all = await open('train');
  let test: DetectionDataset;
  try {
    test = await open('test');
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
      fingerprint: { coco: dir, images: n, annotations: cacheKey(all.gt.annotations), pool: poolCount, seed: settings.sceneSeed, size: settings.imageSize, channels },
    });
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
