import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../reporter.js';
import { chooseFilmLayers, resolveSyntheticSettings, runSynthetic } from './synthetic-task.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tiny = { head: 200, testPerClass: 30, pretrainEpochs: 1, hidden: ['12', '12'], classes: 4, dim: 8 };

describe('synthetic task', () => {
  it('resolves settings from the dataset and options, rejecting bad values', () => {
    expect(resolveSyntheticSettings({ dataset: 'long-tailed', options: {} }).imbalance).toBe(0.05);
    expect(resolveSyntheticSettings({ dataset: 'balanced', options: {} }).imbalance).toBe(1);
    const s = resolveSyntheticSettings({ dataset: 'long-tailed', steps: 7, options: { imbalance: 0.2, hidden: ['8', '4'] } });
    expect([s.steps, s.imbalance, s.hidden]).toEqual([7, 0.2, [8, 4]]);
    expect(() => resolveSyntheticSettings({ dataset: 'long-tailed', options: { imbalance: 2 } })).toThrow(/--imbalance/);
    expect(() => resolveSyntheticSettings({ dataset: 'long-tailed', options: { hidden: ['a'] } })).toThrow(/--hidden/);
    expect(() => resolveSyntheticSettings({ dataset: 'imagenet', options: {} })).toThrow(/unknown dataset/);
    expect(resolveSyntheticSettings({ dataset: 'long-tailed', options: { seedOffset: 100 } }).seedOffset).toBe(100);
  });

  it('chooses FiLM layers by keyword or name', () => {
    const points = ['hidden1_film', 'hidden2_film'];
    expect(chooseFilmLayers(['last'], points)).toEqual(['hidden2_film']);
    expect(chooseFilmLayers(['all'], points)).toEqual(points);
    expect(chooseFilmLayers(['none'], points)).toEqual([]);
    expect(chooseFilmLayers(['hidden1'], points)).toEqual(['hidden1']);
    expect(() => chooseFilmLayers(['hidden9'], points)).toThrow(/hidden1_film, hidden2_film/);
  });

  it('is reproducible for a seed and starts every method from the same model with the same budget', async () => {
    const config = { task: 'synthetic', dataset: 'long-tailed', methods: ['loss', 'metricopt', 'es'], seeds: [2], steps: 10, options: tiny };
    const a = await runSynthetic(config, silentReporter);
    const b = await runSynthetic(config, silentReporter);
    const strip = (r: typeof a) => Object.values(r.methods).map((m) => m.runs.map(({ seed, before, after, metricSplitAfter, twinAfter, steps, metricCalls }) =>
      ({ seed, before, after, metricSplitAfter, twinAfter, steps, metricCalls })));
    expect(strip(b)).toEqual(strip(a));
    const runs = Object.values(a.methods).map((m) => m.runs[0]!);
    expect(new Set(runs.map((r) => r.before)).size).toBe(1);
    expect(new Set(runs.map((r) => r.metricCalls)).size).toBe(1);
    expect(a.metric.name).toBe('balanced-error');
  });

  it('leaks no tensors', async () => {
    const config = { task: 'synthetic', dataset: 'balanced', methods: ['loss', 'weighted-ce+metricopt', 'metricopt-groups'], seeds: [1], steps: 10, options: tiny };
    const tensors = tf.memory().numTensors;
    await runSynthetic(config, silentReporter);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
