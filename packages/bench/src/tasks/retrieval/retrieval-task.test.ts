import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@metricopt/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BenchConfig } from '../../registry.js';
import { silentReporter } from '../../reporter.js';
import { validateBenchResult } from '../../results.js';
import { resolveRetrievalSettings } from './retrieval-settings.js';
import { retrievalTask, runRetrieval } from './retrieval-task.js';

vi.setConfig({ testTimeout: 60_000 });

let cacheDir: string;
beforeAll(async () => {
  // Conv gradients need the wasm backend's training kernels (the cpu ones are far slower).
  await initBackend();
  cacheDir = await mkdtemp(join(tmpdir(), 'retrieval-bench-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

// Glyphs from fonts-dejavu-core alone (installed by .ci/run): a few dozen classes, a tiny model and budget.
const tiny = (methods: string[], over: Partial<BenchConfig> = {}): BenchConfig => ({
  task: 'retrieval',
  dataset: 'glyphs',
  dataDir: '/usr/share/fonts/truetype/dejavu',
  metric: 'recall@1',
  methods,
  seeds: [1],
  steps: 10,
  options: {
    glyphClasses: 40, glyphSamples: 6, pretrainSteps: 5, pretrainClasses: 4, filters: ['2', '4'], units: 8, dim: 8, batchSize: 4, cacheDir,
  },
  ...over,
});

describe('retrieval bench task', () => {
  it('pretrains once (then from the cache), runs every method from the same start and budget on disjoint classes, leaks nothing', async () => {
    const methods = ['loss', 'metricopt', 'es', 'loss+es', 'smooth-ap', 'recall-k-surrogate', 'smooth-ap+metricopt'];
    const tensors = tf.memory().numTensors;
    const first = await runRetrieval(tiny(methods), silentReporter);
    expect(tf.memory().numTensors).toBe(tensors);
    validateBenchResult(first);
    expect(Object.keys(first.methods)).toEqual(methods);
    expect(first.metric).toEqual({ name: 'recall@1', higherIsBetter: true });
    const runs = Object.values(first.methods).map((m) => m.runs[0]!);
    expect(new Set(runs.map((r) => r.before)).size).toBe(1);
    expect(new Set(runs.map((r) => r.twinBefore)).size).toBe(1);
    // One round of 2K + 1 = 9 calls, plus the final selection call, for every mode.
    expect(new Set(runs.map((r) => r.metricCalls))).toEqual(new Set([10]));
    for (const r of runs) {
      expect(r.pretrainCached).toBe(false);
      for (const k of ['after', 'metricSplitAfter', 'twinAfter', 'metricSplitBefore']) expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r.paramCount).toBe(8 * 8 + 8 + 2 * 8);
      expect((r.trainClasses as number) + (r.metricClasses as number) + (r.testClasses as number)).toBeGreaterThan(20);
      expect(r.metricClasses).toBeGreaterThanOrEqual(2);
    }
    // The fonts used are recorded with the results.
    const data = first.settings!.data as { fonts: string[]; classes: number };
    expect(data.fonts.length).toBeGreaterThan(4);
    expect(data.fonts.every((f) => f.includes('/usr/share/fonts/truetype/dejavu/'))).toBe(true);

    const second = await runRetrieval(tiny(['loss', 'smooth-ap']), silentReporter);
    expect(second.methods.loss!.runs[0]!.pretrainCached).toBe(true);
    const strip = ({ seed, before, after, metricSplitAfter, twinAfter }: Record<string, unknown>) => ({ seed, before, after, metricSplitAfter, twinAfter });
    expect(strip(second.methods.loss!.runs[0]!)).toEqual(strip(first.methods.loss!.runs[0]!));
    expect(strip(second.methods['smooth-ap']!.runs[0]!)).toEqual(strip(first.methods['smooth-ap']!.runs[0]!));
    // Another FiLM layer: the trunk ends below it, φ = projection + its 2·4 values; the pretrained model is reused.
    const deeper = await runRetrieval(tiny(['loss'], { options: { ...tiny([]).options, film: ['block2'] } }), silentReporter);
    expect([deeper.methods.loss!.runs[0]!.paramCount, deeper.methods.loss!.runs[0]!.pretrainCached]).toEqual([8 * 8 + 8 + 2 * 4, true]);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('runs the Fashion-MNIST quick variant (classes 0–4 / 5–9) with MAP@R', async () => {
    const config = tiny(['loss', 'metricopt'], { dataset: 'fashion-mnist', metric: 'map@r', options: { ...tiny([]).options, perClass: 12 } });
    delete config.dataDir;
    const result = await runRetrieval(config, silentReporter);
    expect(result.metric.name).toBe('map@r');
    const run = result.methods.metricopt!.runs[0]!;
    expect([run.testClasses, run.metricClasses, run.trainClasses, run.testCount]).toEqual([5, 2, 3, 60]);
  });

  it('resolves its settings and rejects bad ones naming the flag', () => {
    const s = resolveRetrievalSettings({ steps: 7, options: { pretrainLoss: 'triplet', film: ['none'], filters: ['8', '16'], retrain: true, glyphClasses: 100 } });
    expect([s.steps, s.pretrainLoss, s.film, s.filters, s.retrain, s.glyphClasses, s.metricFraction]).toEqual([7, 'triplet', 'none', [8, 16], true, 100, 0.25]);
    expect(() => resolveRetrievalSettings({ options: { metricFraction: 1.5 } })).toThrow(/--metric-fraction expects a fraction/);
    expect(() => resolveRetrievalSettings({ options: { pretrainLoss: 'arcface' } })).toThrow(/--pretrain-loss expects contrastive or triplet/);
    expect(() => resolveRetrievalSettings({ options: { samplesPerClass: 1 } })).toThrow(/--samples-per-class expects an integer ≥ 2/);
  });

  it('is registered with its datasets, metrics, methods and a demo', async () => {
    expect(retrievalTask.datasets).toEqual(['glyphs', 'fashion-mnist', 'cub', 'cars', 'sop']);
    expect(retrievalTask.metrics).toEqual(['recall@1', 'map@r']);
    expect(retrievalTask.defaultMethods).toEqual(['loss', 'metricopt', 'es', 'smooth-ap', 'recall-k-surrogate', 'smooth-ap+metricopt']);
    expect(retrievalTask.demo?.dataset).toBe('glyphs');
    await expect(runRetrieval({ ...tiny(['loss']), metric: 'accuracy' }, silentReporter)).rejects.toThrow(/unknown metric 'accuracy'/);
    await expect(runRetrieval(tiny(['magic']), silentReporter)).rejects.toThrow(/unknown method 'magic'.*smooth-ap\+metricopt/);
    await expect(runRetrieval({ ...tiny(['loss']), dataset: 'cub', dataDir: undefined } as BenchConfig, silentReporter)).rejects.toThrow(/--dataset cub needs --data-dir/);
  });
});
