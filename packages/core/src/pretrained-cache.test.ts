import { mkdtemp, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { MODEL_WEIGHTS } from './model-io.js';
import { CACHE_ENV_VAR, PRETRAIN_INFO, canonicalJson, configKey, dataFingerprint, loadOrPretrain, metricoptCacheDir } from './pretrained-cache.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'pretrained-cache-'));
const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

function tinyModel(seed: number): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [3], units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
  return model;
}

// "Training" that moves every weight by a known amount and counts its calls.
function counter() {
  let calls = 0;
  const train = async (model: tfl.LayersModel) => {
    calls++;
    const moved = tf.tidy(() => model.getWeights().map((w) => tf.add(w, 1)));
    model.setWeights(moved);
    tf.dispose(moved);
    return { loss: 0.5, calls };
  };
  return { train, calls: () => calls };
}

describe('configKey / canonicalJson / metricoptCacheDir', () => {
  it('keys ignore key order and undefined members, and differ for different configs', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
    expect(configKey({ seed: 1, data: 'x' })).toBe(configKey({ data: 'x', seed: 1, extra: undefined }));
    expect(configKey({ seed: 1 })).not.toBe(configKey({ seed: 2 }));
    expect(configKey({ seed: 1 })).toMatch(/^[0-9a-f]{16}$/);
    expect(dataFingerprint(new Float32Array([1, 2]))).toBe(dataFingerprint(new Float32Array([1, 2])));
    expect(dataFingerprint(new Float32Array([1, 2]))).not.toBe(dataFingerprint(new Float32Array([1, 3])));
  });

  it('respects METRICOPT_CACHE, else uses ~/.cache/metricopt', () => {
    expect(CACHE_ENV_VAR).toBe('METRICOPT_CACHE');
    expect(metricoptCacheDir('pretrained', { METRICOPT_CACHE: '/tmp/mo' })).toBe('/tmp/mo/pretrained');
    expect(metricoptCacheDir('detection', { METRICOPT_CACHE: '' })).toMatch(/\.cache\/metricopt\/detection$/);
    expect(metricoptCacheDir('pretrained', {})).toMatch(/\.cache\/metricopt\/pretrained$/);
  });
});

describe('loadOrPretrain', () => {
  it('trains and saves on a miss, then loads identical weights without training', async () => {
    const before = tf.memory().numTensors;
    const cacheDir = await tempDir();
    const config = { task: 'tiny', seed: 3 };
    const { train, calls } = counter();
    let loads = 0;
    const options = { config, namespace: 'unused', cacheDir, build: () => tinyModel(3), train, beforeLoad: () => void loads++ };
    const first = await loadOrPretrain(options);
    expect([first.cached, calls(), loads]).toEqual([false, 1, 0]);
    expect(first.dir).toBe(join(cacheDir, configKey(config)));
    expect((await readdir(cacheDir)).sort()).toEqual([configKey(config)]);
    expect(JSON.parse(await readFile(join(first.dir, PRETRAIN_INFO), 'utf8'))).toEqual({ config, info: { loss: 0.5, calls: 1 } });
    // Trained weights are the seeded init plus one.
    const init = tinyModel(3);
    expect(weightsOf(first.model)).toEqual(weightsOf(init).map((w) => w.map((v) => Math.fround(v + 1))));
    const second = await loadOrPretrain(options);
    expect([second.cached, calls(), loads]).toEqual([true, 1, 1]);
    expect(second.info).toEqual({ loss: 0.5, calls: 1 });
    expect(weightsOf(second.model)).toEqual(weightsOf(first.model));
    [init, first.model, second.model].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('puts entries under $METRICOPT_CACHE/<namespace>/<prefix><key> by default', async () => {
    const root = await tempDir();
    const saved = process.env[CACHE_ENV_VAR];
    process.env[CACHE_ENV_VAR] = root;
    try {
      const entry = await loadOrPretrain({ config: { n: 1 }, namespace: 'ns', entryPrefix: 'detector-', build: () => tinyModel(1), train: counter().train });
      expect(entry.dir).toBe(join(root, 'ns', `detector-${configKey({ n: 1 })}`));
      expect(await readdir(join(root, 'ns'))).toEqual([`detector-${configKey({ n: 1 })}`]);
      entry.model.dispose();
    } finally {
      if (saved === undefined) delete process.env[CACHE_ENV_VAR];
      else process.env[CACHE_ENV_VAR] = saved;
    }
  });

  it('retrains a corrupt entry, one stored for another config, and one whose info fails the check', async () => {
    const cacheDir = await tempDir();
    const config = { seed: 5 };
    const { train, calls } = counter();
    const options = { config, namespace: 'x', cacheDir, build: () => tinyModel(5), train, checkInfo: (i: unknown) => typeof (i as { loss?: unknown })?.loss === 'number' };
    const models = [await loadOrPretrain(options)];
    await truncate(join(models[0]!.dir, MODEL_WEIGHTS), 4);
    models.push(await loadOrPretrain(options));
    expect([models[1]!.cached, calls()]).toEqual([false, 2]);
    await writeFile(join(models[0]!.dir, PRETRAIN_INFO), JSON.stringify({ config: { seed: 6 }, info: { loss: 0.5 } }));
    models.push(await loadOrPretrain(options));
    expect([models[2]!.cached, calls()]).toEqual([false, 3]);
    await writeFile(join(models[0]!.dir, PRETRAIN_INFO), JSON.stringify({ config, info: { loss: 'nan' } }));
    models.push(await loadOrPretrain(options));
    expect([models[3]!.cached, calls()]).toEqual([false, 4]);
    await writeFile(join(models[0]!.dir, PRETRAIN_INFO), '{ not json');
    models.push(await loadOrPretrain(options));
    expect([models[4]!.cached, calls()]).toEqual([false, 5]);
    models.push(await loadOrPretrain(options));
    expect([models[5]!.cached, calls()]).toEqual([true, 5]);
    models.push(await loadOrPretrain({ ...options, refresh: true }));
    expect([models[6]!.cached, calls()]).toEqual([false, 6]);
    expect(await readdir(cacheDir)).toEqual([configKey(config)]);
    models.forEach((m) => m.model.dispose());
  });

  it('leaves no directory, partial or whole, when training fails, and disposes the model', async () => {
    const before = tf.memory().numTensors;
    const cacheDir = await tempDir();
    const failing = async () => {
      throw new Error('diverged');
    };
    await expect(loadOrPretrain({ config: { a: 1 }, namespace: 'x', cacheDir, build: () => tinyModel(1), train: failing })).rejects.toThrow('diverged');
    expect(await readdir(cacheDir)).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a config that is not an object', async () => {
    const bad = { config: [] as unknown as Record<string, unknown>, namespace: 'x', build: () => tinyModel(1), train: counter().train };
    await expect(loadOrPretrain(bad)).rejects.toThrow(/'config'/);
  });
});
