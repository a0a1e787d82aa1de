import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { InvalidArgumentError, describe, writeFileAtomic } from '@metricopt/core';
import type { Scenes } from './generate-scenes.js';

export interface WriteScenesOptions {
  /** Name of the COCO JSON in `dir` (default 'annotations.json'). */
  annotations?: string;
  /** Sub-directory of `dir` for the PNGs (default 'images'); `file_name` is relative to it. */
  imageDir?: string;
  /** PNG files written at once (default 8). */
  concurrency?: number;
}

/**
 * Writes scenes as a COCO dataset: one grayscale PNG per image in `dir/images/` (its `file_name`)
 * and the ground truth as `dir/annotations.json`, written last and atomically, so a directory
 * with the JSON is complete. Resolves to the JSON's path.
 *
 * ```ts
 * await writeScenes(generateScenes(items, { count: 10, seed: 1 }), 'scenes/train');
 * // scenes/train/annotations.json, scenes/train/images/000001.png …
 * ```
 */
export async function writeScenes(scenes: Scenes, dir: string, options: WriteScenesOptions = {}): Promise<string> {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('writeScenes', 'dir', 'a directory path', describe(dir));
  if (scenes?.pixels?.length !== scenes?.gt?.images?.length) {
    throw new InvalidArgumentError('writeScenes', 'scenes', 'scenes with one pixel array per image', describe(scenes));
  }
  const imageDir = join(dir, options.imageDir ?? 'images');
  await mkdir(imageDir, { recursive: true });
  const S = scenes.size;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenes.pixels.length) {
      const i = next++;
      const png = await sharp(Buffer.from(scenes.pixels[i]!.buffer, scenes.pixels[i]!.byteOffset, S * S), { raw: { width: S, height: S, channels: 1 } })
        .png()
        .toBuffer();
      await writeFile(join(imageDir, String(scenes.gt.images[i]!.file_name)), png);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  const path = join(dir, options.annotations ?? 'annotations.json');
  await writeFileAtomic(path, JSON.stringify(scenes.gt));
  return path;
}
