import { mkdtemp, readdir, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildClassifier } from './classifier.js';
import { errorRate } from './metrics/error-rate.js';
import { pretrainClassifier } from './pretrain.js';
import { configKey, dataFingerprint, loadOrPretrain, pretrainedCacheDir } from './pretrained-cache.js';
import { stripeImages } from './stripe-images.fixture.js';

const set = stripeImages([40, 40, 40], 1);
const build = (seed = 1) => buildClassifier({ inputShape: [8, 8, 1], numClasses: 3, filters: [2, 4], units: 8, seed });
const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const trainError = (m: tfl.LayersModel) => tf.tidy(() => errorRate(m.predict(tf.div(tf.tensor4d(set.images as Uint8Array, [120, 8, 8, 1], 'float32'), 255)) as tf.Tensor, set.labels));

describe('pretrainClassifier', () => {
  it('learns with cross-entropy, leaves FiLM at the identity, is reproducible and leaks nothing', async () => {
    const [a, b] = [build(), build()];
    const film = () => a.getLayer('block3_film').getWeights().map((w) => Array.from(w.dataSync()));
    const filmBefore = film();
    const errorBefore = trainError(a);
    const tensors = tf.memory().numTensors;
    const losses: number[] = [];
    const result = await pretrainClassifier(a, set, { epochs: 4, batchSize: 16, learningRate: 0.01, seed: 3, onEpoch: (_, l) => losses.push(l) });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(result.steps).toBe(4 * Math.ceil(120 / 16));
    expect(losses[3]!).toBeLessThan(losses[0]!);
    expect(trainError(a)).toBeLessThan(Math.min(errorBefore, 0.3));
    expect(film()).toEqual(filmBefore);
    await pretrainClassifier(b, set, { epochs: 4, batchSize: 16, learningRate: 0.01, seed: 3 });
    expect(weightsOf(b)).toEqual(weightsOf(a));
    await expect(pretrainClassifier(b, set, { epochs: -1, seed: 1 })).rejects.toThrow(/'epochs'/);
    a.dispose();
    b.dispose();
  });
});

describe('loadOrPretrain', () => {
  it('trains once, then loads the same model from the cache keyed by the config', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'pretrained-'));
    const config = { dataset: 'stripes', data: dataFingerprint(set.images, set.labels), seed: 1, epochs: 1 };
    let trainings = 0;
    const options = {
      config,
      cacheDir,
      build: () => build(),
      train: async (m: tfl.LayersModel) => {
        trainings++;
        return pretrainClassifier(m, set, { epochs: 1, batchSize: 32, seed: 1 });
      },
    };
    const first = await loadOrPretrain(options);
    const second = await loadOrPretrain(options);
    expect([first.cached, second.cached, trainings]).toEqual([false, true, 1]);
    expect(second.dir).toBe(join(cacheDir, configKey(config)));
    expect(second.info).toEqual(first.info);
    expect(weightsOf(second.model)).toEqual(weightsOf(first.model));
    expect((await readdir(cacheDir)).sort()).toEqual([configKey(config)]);
    // Key order does not matter; any value does.
    expect(configKey({ epochs: 1, seed: 1, data: config.data, dataset: 'stripes' })).toBe(configKey(config));
    expect(configKey({ ...config, seed: 2 })).not.toBe(configKey(config));
    // A damaged entry is trained again and replaced.
    await truncate(join(second.dir, 'weights.bin'), 10);
    const third = await loadOrPretrain(options);
    expect([third.cached, trainings]).toEqual([false, 2]);
    expect((await loadOrPretrain(options)).cached).toBe(true);
    [first, second, third].forEach((e) => e.model.dispose());
  });

  it('lives under $METRICOPT_CACHE or ~/.cache/metricopt', () => {
    expect(pretrainedCacheDir({ METRICOPT_CACHE: '/tmp/mo' })).toBe('/tmp/mo/pretrained');
    expect(pretrainedCacheDir({})).toMatch(/\.cache\/metricopt\/pretrained$/);
  });
});
