import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@metricopt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchConfig } from '../../registry.js';
import { silentReporter } from '../../reporter.js';
import { validateBenchResult } from '../../results.js';
import { resolveClassificationSettings } from './classification-settings.js';
import { classificationTask, runClassification } from './classification-task.js';

let cacheDir: string;
beforeAll(async () => {
  // Conv gradients need the wasm backend's training kernels (the cpu ones are far slower).
  await initBackend();
  cacheDir = await mkdtemp(join(tmpdir(), 'classification-bench-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const tiny = (methods: string[]): BenchConfig => ({
  task: 'classification',
  dataset: 'embedded',
  metric: 'balanced-error',
  methods,
  seeds: [1],
  steps: 10,
  options: { perClass: 30, testLimit: 100, pretrainEpochs: 1, filters: ['4', '8'], units: 16, cacheDir },
});

describe('classification bench task', () => {
  it('pretrains once (then from the cache), runs every method from the same start and budget, leaks nothing', async () => {
    const methods = ['loss', 'metricopt', 'es', 'weighted-ce', 'weighted-ce+metricopt'];
    const tensors = tf.memory().numTensors;
    const first = await runClassification(tiny(methods), silentReporter);
    expect(tf.memory().numTensors).toBe(tensors);
    validateBenchResult(first);
    expect(Object.keys(first.methods)).toEqual(methods);
    const runs = Object.values(first.methods).map((m) => m.runs[0]!);
    expect(new Set(runs.map((r) => r.before)).size).toBe(1);
    expect(new Set(runs.map((r) => r.metricCalls))).toEqual(new Set([9 + 1]));
    expect(runs.every((r) => r.pretrainCached === false && typeof r.twinAfter === 'number' && typeof r.metricSplitAfter === 'number')).toBe(true);
    // 30 kept per class: a twin of round(0.15·30) = 5, and 85/15 of the 30 for train/metric; 10 test images per class.
    expect([runs[0]!.trainCount, runs[0]!.metricCount, runs[0]!.twinCount, runs[0]!.testCount, runs[0]!.paramCount]).toEqual([255, 45, 50, 100, 10 * 16 + 10 + 2 * 16]);

    const second = await runClassification(tiny(['loss', 'weighted-ce']), silentReporter);
    expect(second.methods.loss!.runs[0]!.pretrainCached).toBe(true);
    const strip = ({ seed, before, after, metricSplitAfter, twinAfter }: Record<string, unknown>) => ({ seed, before, after, metricSplitAfter, twinAfter });
    expect(strip(second.methods.loss!.runs[0]!)).toEqual(strip(first.methods.loss!.runs[0]!));
    expect(strip(second.methods['weighted-ce']!.runs[0]!)).toEqual(strip(first.methods['weighted-ce']!.runs[0]!));
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('resolves its settings and rejects bad ones naming the flag', () => {
    const s = resolveClassificationSettings({ steps: 7, options: { imbalance: 1, perClass: 2000, film: ['none'], filters: ['8', '16'], retrain: true } });
    expect([s.steps, s.imbalance, s.perClass, s.film, s.filters, s.retrain, s.metricFraction]).toEqual([7, 1, 2000, 'none', [8, 16], true, 0.15]);
    expect(resolveClassificationSettings({ options: {} }).imbalance).toBe(0.05);
    expect(() => resolveClassificationSettings({ options: { imbalance: 0 } })).toThrow(/--imbalance expects a ratio/);
    expect(() => resolveClassificationSettings({ options: { filters: ['8'] } })).toThrow(/--filters expects 2 positive integers/);
    expect(() => resolveClassificationSettings({ options: { architecture: 'vgg' } })).toThrow(/--architecture expects one of small-cnn, small-resnet/);
    const steered = resolveClassificationSettings({ options: { film: ['block2'], steer: ['block2', 'head-bias'], sigma: 0.3 } });
    expect([steered.steer, steered.sigma]).toEqual([['block2', 'head-bias'], 0.3]);
    expect([resolveClassificationSettings({ options: {} }).steer, resolveClassificationSettings({ options: {} }).sigma]).toEqual([null, null]);
    expect(() => resolveClassificationSettings({ options: { sigma: 0 } })).toThrow(/--sigma expects a positive number, got 0/);
    expect(() => resolveClassificationSettings({ options: { steer: ['block9'] } })).toThrow(/--steer expects all, kinds/);
  });

  it('is registered with its datasets, metrics, methods and a demo', async () => {
    expect(classificationTask.datasets).toEqual(['fashion-mnist', 'mnist', 'embedded', 'idx', 'cifar-10', 'cifar-100', 'image-folder']);
    expect(classificationTask.metrics?.[0]).toBe('balanced-error');
    expect(classificationTask.metrics).toEqual(expect.arrayContaining(['error-rate', 'top5-error', 'worst-class-recall', 'macro-f1', 'aucpr']));
    expect(classificationTask.defaultMethods).toEqual(['loss', 'metricopt', 'es', 'weighted-ce', 'weighted-ce+metricopt']);
    expect(classificationTask.demo?.dataset).toBe('embedded');
    await expect(runClassification({ ...tiny(['loss']), metric: 'accuracy' }, silentReporter)).rejects.toThrow(/unknown metric 'accuracy'/);
    await expect(runClassification({ ...tiny(['magic']) }, silentReporter)).rejects.toThrow(/unknown method 'magic'.*weighted-ce\+metricopt/);
  });
});
