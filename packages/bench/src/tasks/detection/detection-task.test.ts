import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@metricopt/core';
import { silentReporter } from '../../reporter.js';
import { runDetection } from './detection-task.js';
import { resolveDetectionSettings } from './detection-settings.js';

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
});
