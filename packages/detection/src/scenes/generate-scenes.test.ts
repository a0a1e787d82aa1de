import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbedded } from '@metricopt/data';
import { loadCocoDataset } from '../loaders/load-coco-dataset.js';
import { generateScenes, type SceneItems } from './generate-scenes.js';
import { writeScenes } from './write-scenes.js';

let items: SceneItems;
let dir: string;
beforeAll(async () => {
  const mini = await loadEmbedded();
  // The first 200 items are plenty for these tests.
  items = { images: (mini.train.images as Uint8Array).slice(0, 200 * 784), shape: [200, 28, 28], labels: mini.train.labels.slice(0, 200), classNames: mini.classNames };
  dir = await mkdtemp(join(tmpdir(), 'scenes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Naive tight box of the pixels above `t`: scan rows and columns for any such pixel. */
function naiveBox(px: Uint8Array, size: number, t: number): number[] | null {
  const rows = [...Array(size).keys()].filter((y) => [...Array(size).keys()].some((x) => px[y * size + x]! > t));
  const cols = [...Array(size).keys()].filter((x) => [...Array(size).keys()].some((y) => px[y * size + x]! > t));
  if (rows.length === 0) return null;
  return [cols[0]!, rows[0]!, cols.at(-1)! - cols[0]! + 1, rows.at(-1)! - rows[0]! + 1];
}

describe('generateScenes', () => {
  it('is deterministic for a seed', () => {
    const a = generateScenes(items, { count: 8, seed: 5 });
    const b = generateScenes(items, { count: 8, seed: 5 });
    const c = generateScenes(items, { count: 8, seed: 6 });
    expect(b.gt).toEqual(a.gt);
    expect(b.pixels).toEqual(a.pixels);
    expect(c.gt.annotations).not.toEqual(a.gt.annotations);
  });

  it('gives each lone object the tight box and pixel count of its mask', () => {
    const scenes = generateScenes(items, { count: 20, seed: 1, minObjects: 1, maxObjects: 1, maskThreshold: 25 });
    expect(scenes.gt.annotations).toHaveLength(20);
    scenes.gt.annotations.forEach((a, i) => {
      const px = scenes.pixels[i]!;
      expect(a.bbox).toEqual(naiveBox(px, 96, 25));
      expect(a.area).toBe(px.filter((v) => v > 25).length);
      expect(a.category_id).toBeGreaterThanOrEqual(1);
      expect(a.category_id).toBeLessThanOrEqual(10);
    });
  });

  it('places 1–6 objects inside the canvas, boxes tight on every side and covering every mask pixel, some overlapping', () => {
    const scenes = generateScenes(items, { count: 40, seed: 2 });
    const S = scenes.size;
    let overlapping = 0;
    scenes.gt.images.forEach((img, i) => {
      const boxes = scenes.gt.annotations.filter((a) => a.image_id === img.id).map((a) => a.bbox);
      expect(boxes.length).toBeGreaterThanOrEqual(1);
      expect(boxes.length).toBeLessThanOrEqual(6);
      const px = scenes.pixels[i]!;
      const above = (x: number, y: number) => px[y * S + x]! > 25;
      for (const [x, y, w, h] of boxes as [number, number, number, number][]) {
        expect(x >= 0 && y >= 0 && x + w <= S && y + h <= S).toBe(true);
        // Tight: each edge row and column of the box holds a mask pixel.
        expect([...Array(w).keys()].some((d) => above(x + d, y))).toBe(true);
        expect([...Array(w).keys()].some((d) => above(x + d, y + h - 1))).toBe(true);
        expect([...Array(h).keys()].some((d) => above(x, y + d))).toBe(true);
        expect([...Array(h).keys()].some((d) => above(x + w - 1, y + d))).toBe(true);
      }
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        if (above(x, y)) expect(boxes.some(([bx, by, bw, bh]) => x >= bx! && x < bx! + bw! && y >= by! && y < by! + bh!)).toBe(true);
      }
      boxes.forEach((a, j) => boxes.slice(j + 1).forEach((b) => {
        if (a[0]! < b[0]! + b[2]! && b[0]! < a[0]! + a[2]! && a[1]! < b[1]! + b[3]! && b[1]! < a[1]! + a[3]!) overlapping++;
      }));
    });
    expect(overlapping).toBeGreaterThan(0);
  });

  it('writes COCO JSON + PNGs that the COCO loader reads back exactly', async () => {
    const tensors = tf.memory().numTensors;
    const scenes = generateScenes(items, { count: 5, seed: 3 });
    const path = await writeScenes(scenes, join(dir, 'set'));
    const ds = await loadCocoDataset({ annotations: path, imageDir: join(dir, 'set', 'images'), channels: 1 });
    expect(ds.gt).toEqual(scenes.gt);
    expect(ds.images.shape).toEqual([5, 96, 96, 1]);
    const pixels = ds.images.dataSync();
    scenes.pixels.forEach((p, i) => p.forEach((v, j) => {
      if (Math.abs(pixels[i * 9216 + j]! - v / 255) > 1e-6) throw new Error(`pixel ${i}/${j} differs`);
    }));
    ds.images.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('draws classes by classWeights: observed shares match the weights, zero-weight classes never appear', () => {
    const weights = [8, 4, 2, 1, 1, 0, 0, 0, 0, 0];
    const scenes = generateScenes(items, { count: 600, seed: 3, classWeights: weights });
    const counts = new Array(10).fill(0);
    for (const a of scenes.gt.annotations) counts[a.category_id - 1]++;
    const total = counts.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1500);
    for (let c = 0; c < 10; c++) {
      const expected = weights[c]! / 16;
      // 4 standard errors of a binomial share.
      expect(Math.abs(counts[c] / total - expected)).toBeLessThanOrEqual(4 * Math.sqrt((expected * (1 - expected)) / total) + 1e-12);
    }
    expect(counts.slice(5)).toEqual([0, 0, 0, 0, 0]);
    // Drawing by class weight is as deterministic as drawing items: the same seed gives the same scenes.
    expect(generateScenes(items, { count: 600, seed: 3, classWeights: weights }).gt).toEqual(scenes.gt);
  });

  it('rejects bad options naming them', () => {
    expect(() => generateScenes(items, { count: 1, seed: 1, classWeights: [1, 2] })).toThrow(/options\.classWeights.*10 finite weights/);
    expect(() => generateScenes(items, { count: 1, seed: 1, classWeights: new Array(10).fill(0) })).toThrow(/classWeights/);
    expect(() => generateScenes(items, { count: 1, seed: 1, classWeights: [1, NaN, 1, 1, 1, 1, 1, 1, 1, 1] })).toThrow(/classWeights/);
    const onlyClass0 = Int32Array.from(Array.from(items.labels).flatMap((l, i) => (l === 0 ? [i] : [])));
    expect(() => generateScenes(items, { count: 1, seed: 1, itemIndices: onlyClass0, classWeights: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0] })).toThrow(/classWeights\[1\].*has none/);
    expect(() => generateScenes(items, { count: 1, seed: 1, minObjects: 3, maxObjects: 2 })).toThrow(/maxObjects/);
    expect(() => generateScenes(items, { count: 1, seed: 0.5 })).toThrow(/seed/);
    expect(() => generateScenes({ ...items, labels: new Int32Array(200).fill(12) }, { count: 1, seed: 1 })).toThrow(/labels\[0\]/);
  });
});
