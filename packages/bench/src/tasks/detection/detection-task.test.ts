import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend } from '@metricopt/core';
import { centerNetFocalLossPerClass } from '@metricopt/detection';
import { silentReporter } from '../../reporter.js';
import { detectionCatalog, runDetection } from './detection-task.js';
import { resolveDetectionSettings } from './detection-settings.js';
import { longTailWeights } from './detection-data.js';

let cacheDir: string;
beforeAll(async () => {
  // Conv gradients need the wasm backend's training kernels (the cpu ones are far slower).
  await initBackend();
  cacheDir = await mkdtemp(join(tmpdir(), 'detection-bench-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const tiny = () => ({
  trainScenes: 24, poolScenes: 12, testScenes: 8, pretrainSteps: 4, pretrainBatchSize: 8, filters: ['4', '4', '4', '4'], headFilters: 4,
  batchSize: 8, observeEvery: 2, cacheDir,
});

describe('detection task', () => {
  it('resolves settings, rejecting bad values by flag', () => {
    const s = resolveDetectionSettings({ dataset: 'scenes', steps: 7, options: { trainScenes: 10, filters: ['8', '8', '8', '8'] } });
    expect([s.steps, s.trainScenes, s.filters, s.film]).toEqual([7, 10, [8, 8, 8, 8], ['head_conv']]);
    expect(() => resolveDetectionSettings({ dataset: 'scenes', options: { imageSize: 90 } })).toThrow(/--image-size/);
    expect(() => resolveDetectionSettings({ dataset: 'scenes', options: { filters: ['8'] } })).toThrow(/--filters/);
    expect(() => resolveDetectionSettings({ dataset: 'scenes', options: { minObjects: 4, maxObjects: 2 } })).toThrow(/--max-objects/);
    expect(() => resolveDetectionSettings({ dataset: 'scenes', options: { imbalance: 0 } })).toThrow(/--imbalance expects a ratio in \(0, 1\]/);
    expect(resolveDetectionSettings({ dataset: 'scenes', options: { imbalance: 0.05 } }).imbalance).toBe(0.05);
    const steered = resolveDetectionSettings({ dataset: 'scenes', options: { outputFilm: true, film: ['head_conv', 'head_out'], steer: ['film', 'head-bias', 'head_out'] } });
    expect([steered.outputFilm, steered.steer]).toEqual([true, ['film-scale', 'film-shift', 'head-bias', 'head_out']]);
    expect(resolveDetectionSettings({ dataset: 'scenes', options: {} }).steer).toEqual(['head-bias']);
    expect(resolveDetectionSettings({ dataset: 'scenes', options: { steer: ['all'] } }).steer).toBeNull();
    expect(() => resolveDetectionSettings({ dataset: 'scenes', options: { steer: ['head_out'] } })).toThrow(/--steer expects .*FiLM layers \(head_conv\), got head_out/);
  });


  it('runs every method from the same pretrained start, reproducibly, caching scenes and detector, leaking no tensors', async () => {
    const config = { task: 'detection', dataset: 'scenes', metric: 'map', methods: ['loss', 'metricopt', 'es'], seeds: [1], steps: 4, options: tiny() };
    const tensors = tf.memory().numTensors;
    const a = await runDetection(config, silentReporter);
    expect(tf.memory().numTensors).toBe(tensors);
    const entries = (await readdir(cacheDir)).sort();
    expect(entries.filter((e) => e.startsWith('scenes-'))).toHaveLength(1);
    expect(entries.filter((e) => e.startsWith('detector-'))).toHaveLength(1);
    // The second run reads both caches and gives the same numbers.
    const b = await runDetection(config, silentReporter);
    const strip = (r: typeof a) => Object.values(r.methods).map((m) => m.runs.map(({ seed, before, after, metricSplitAfter, twinAfter, steps, metricCalls }) =>
      ({ seed, before, after, metricSplitAfter, twinAfter, steps, metricCalls })));
    expect(strip(b)).toEqual(strip(a));
    expect(b.methods.loss!.runs[0]!.pretrainCached).toBe(true);
    expect(a.metric).toEqual({ name: 'coco-map', higherIsBetter: true });
    const runs = Object.values(a.methods).map((m) => m.runs[0]!);
    expect(new Set(runs.map((r) => r.before)).size).toBe(1);
    expect(new Set(runs.map((r) => r.metricCalls)).size).toBe(1);
    for (const r of runs) for (const v of [r.before, r.after, r.metricSplitAfter, r.twinAfter]) expect(v).toBeGreaterThanOrEqual(0);
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('the class-balanced focal loss weighs class c by N / (C·n_c) of the training objects (crowds not counted)', () => {
    const ann = (id: number, category_id: number, iscrowd = 0) => ({ id, image_id: 1, category_id, bbox: [0, 0, 4, 4] as [number, number, number, number], area: 16, iscrowd });
    // Category 7 has 3 objects, category 9 has 1 (its crowd region does not count): weights 4/(2·3), 4/(2·1).
    const annotations = [ann(1, 7), ann(2, 7), ann(3, 7), ann(4, 9), ann(5, 9, 1)];
    const catalog = detectionCatalog(['loss', 'weighted-focal', 'weighted-focal+metricopt'], 2, annotations, [7, 9]);
    expect([catalog.loss!.mode, catalog['weighted-focal']!.mode, catalog['weighted-focal+metricopt']!.mode]).toEqual(['loss', 'loss', 'loss+value']);
    const rng = new Rng(4);
    const [n, h, w, C] = [2, 4, 4, 2];
    const outputs = tf.tensor4d(Array.from({ length: n * h * w * (C + 4) }, () => rng.normal()), [n, h, w, C + 4]);
    const targets = tf.tensor4d(Array.from({ length: n * h * w * (C + 5) }, (_, i) => (i % (C + 5) < C ? (rng.next() < 0.1 ? 1 : 0.3 * rng.next()) : 0)), [n, h, w, C + 5]);
    const logits = tf.slice(outputs, [0, 0, 0, 0], [-1, -1, -1, C]);
    const heat = tf.slice(targets, [0, 0, 0, 0], [-1, -1, -1, C]);
    const shares = centerNetFocalLossPerClass(logits, heat).dataSync();
    const weighted = catalog['weighted-focal']!.loss!(outputs, targets);
    const plain = catalog.loss!.loss!(outputs, targets);
    // Size and offset targets are 0 with a 0 mask: the loss is the focal part alone.
    expect(plain.dataSync()[0]).toBeCloseTo(shares[0]! + shares[1]!, 5);
    expect(weighted.dataSync()[0]).toBeCloseTo((4 / 6) * shares[0]! + 2 * shares[1]!, 5);
    tf.dispose([outputs, targets, logits, heat, weighted, plain]);
  });

  it('runs on a COCO directory (train/ and test/ with annotations.json and images/)', async () => {
    const { generateScenes, sceneItems, writeScenes } = await import('@metricopt/detection');
    const items = await sceneItems('embedded');
    const dir = join(cacheDir, 'coco');
    await writeScenes(generateScenes(items.train, { count: 20, seed: 1 }), join(dir, 'train'));
    await writeScenes(generateScenes(items.test, { count: 6, seed: 2 }), join(dir, 'test'));
    const config = {
      task: 'detection', dataset: 'coco', dataDir: dir, metric: 'ap50', methods: ['loss', 'es'], seeds: [1], steps: 2,
      options: { ...tiny(), channels: 1, imageSize: 48 },
    };
    const tensors = tf.memory().numTensors;
    const result = await runDetection(config, silentReporter);
    expect(result.metric.name).toBe('coco-ap50');
    // 30% of 20 training images are the pool: metric split and twin of 3 each; test is the 6 test images.
    expect(result.methods.loss!.runs[0]).toMatchObject({ trainCount: 14, metricCount: 3, twinCount: 3, testCount: 6 });
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('rejects an unknown metric or dataset, and coco without --data-dir', async () => {
    const base = { task: 'detection', dataset: 'scenes', methods: ['loss'], seeds: [1], steps: 2, options: tiny() };
    await expect(runDetection({ ...base, metric: 'ap99' }, silentReporter)).rejects.toThrow(/unknown metric/);
    await expect(runDetection({ ...base, dataset: 'kitti' }, silentReporter)).rejects.toThrow(/unknown dataset/);
    await expect(runDetection({ ...base, dataset: 'coco' }, silentReporter)).rejects.toThrow(/--data-dir/);
    await expect(runDetection({ ...base, dataset: 'voc' }, silentReporter)).rejects.toThrow(/--dataset voc needs --data-dir/);
    await expect(runDetection({ ...base, dataset: 'voc', dataDir: cacheDir }, silentReporter)).rejects.toThrow(/no Pascal VOC year directory/);
    await expect(runDetection({ ...base, dataset: 'coco', dataDir: cacheDir }, silentReporter)).rejects.toThrow(/no COCO data: expected train\/annotations\.json/);
  });

  it('long-tailed scenes (after the balanced ones: own cache entry): class c weighs imbalance^(c/(C-1))', async () => {
    const w = longTailWeights(10, 0.05);
    expect(w[0]).toBe(1);
    expect(w[9]).toBeCloseTo(0.05, 12);
    expect(w[3]! / w[2]!).toBeCloseTo(0.05 ** (1 / 9), 12);
    // With the output FiLM adapted and steered: φ = FiLM head_conv (2·4) + FiLM head_out (2·14) + head_out (4·14 + 14).
    const options = { ...tiny(), trainScenes: 60, imbalance: 0.1, outputFilm: true, film: ['head_conv', 'head_out'], steer: ['head_out'] };
    const config = { task: 'detection', dataset: 'scenes', metric: 'map', methods: ['loss', 'weighted-focal', 'es'], seeds: [1], steps: 2, options };
    const result = await runDetection(config, silentReporter);
    const dirs = (await readdir(cacheDir)).filter((e) => e.startsWith('scenes-'));
    const gts = await Promise.all(dirs.map(async (d) => JSON.parse(await readFile(join(cacheDir, d, 'train', 'annotations.json'), 'utf8'))));
    const longTailed = gts.find((g) => g.images.length === 60);
    const count = (c: number) => longTailed.annotations.filter((a: { category_id: number }) => a.category_id === c).length;
    // ~37% of the objects are class 1's, ~4% class 10's.
    expect(count(1)).toBeGreaterThan(3 * count(10));
    expect(result.methods['weighted-focal']!.runs[0]!.before).toBe(result.methods.loss!.runs[0]!.before);
    expect(result.methods.es!.runs[0]!.paramCount).toBe(8 + 28 + 70);
  }, 60_000);
});
