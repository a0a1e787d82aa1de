import { copyFile, mkdir, mkdtemp, readFile, readdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { smallCnn } from './backbones/small-cnn.js';
import { withHead } from './backbones/with-head.js';
import { FormatError } from './errors.js';
import { MODEL_JSON, MODEL_WEIGHTS, fileHandler, loadModel, saveModel } from './model-io.js';
import { filmAdapters } from './params/film-adapters.js';

const tinyClassifier = (seed: number) => withHead(smallCnn({ inputShape: [6, 6, 1], filters: [2, 3], units: 4, seed }).model, { units: 3, seed });
const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const tempDir = () => mkdtemp(join(tmpdir(), 'model-io-'));

describe('saveModel / loadModel', () => {
  it('round-trips topology, weights (FiLM included), metadata and predictions', async () => {
    const dir = await tempDir();
    const model = tinyClassifier(4);
    // Move FiLM off the identity so its weights are checked too.
    filmAdapters(model, { layers: ['block3_film'] }).write(Float32Array.from({ length: 8 }, (_, i) => 0.5 + i / 10));
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual([MODEL_JSON, MODEL_WEIGHTS]);
    const loaded = await loadModel(dir);
    expect(loaded.layers.map((l) => [l.name, l.getClassName()])).toEqual(model.layers.map((l) => [l.name, l.getClassName()]));
    expect(weightsOf(loaded)).toEqual(weightsOf(model));
    expect(loaded.getUserDefinedMetadata()).toEqual({ filmPoints: ['block1_film', 'block2_film', 'block3_film'] });
    const x = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 3);
    const [a, b] = [model, loaded].map((m) => tf.tidy(() => Array.from((m.predict(x) as tf.Tensor).dataSync())));
    expect(b).toEqual(a);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });

  it('overwrites a saved model in place and leaves no temporary files', async () => {
    const dir = await tempDir();
    const [first, second] = [tinyClassifier(1), tinyClassifier(2)];
    await saveModel(first, dir);
    await saveModel(second, dir);
    expect((await readdir(dir)).sort()).toEqual([MODEL_JSON, MODEL_WEIGHTS]);
    const loaded = await tfl.loadLayersModel(fileHandler(dir));
    expect(weightsOf(loaded)).toEqual(weightsOf(second));
    [first, second, loaded].forEach((m) => m.dispose());
  });

  it('names the file that is missing, truncated or malformed', async () => {
    const dir = await tempDir();
    await expect(loadModel(dir)).rejects.toThrow(new RegExp(`${MODEL_JSON}: does not exist`));
    const model = tinyClassifier(1);
    await saveModel(model, dir);
    model.dispose();
    const weights = join(dir, MODEL_WEIGHTS);
    const size = (await readFile(weights)).length;
    await truncate(weights, size - 4);
    const err = await loadModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(new RegExp(`${MODEL_WEIGHTS}: has ${size - 4} bytes, but .*describes ${size} bytes`));
    await writeFile(join(dir, MODEL_JSON), '{"modelTopology": ');
    await expect(loadModel(dir)).rejects.toThrow(/model.json: is not valid JSON/);
    await writeFile(join(dir, MODEL_JSON), '{"weightsManifest": []}');
    await expect(loadModel(dir)).rejects.toThrow(/has no modelTopology/);
  });

  it('refuses weightsManifest paths that leave the model directory (../, absolute, symlink out) and leaks no variables', async () => {
    const base = await tempDir();
    const dir = join(base, 'model');
    const model = tinyClassifier(6);
    await saveModel(model, dir);
    model.dispose();
    // The same weights outside the model directory: a loader that followed the manifest would load them.
    await mkdir(join(base, 'elsewhere'));
    await copyFile(join(dir, MODEL_WEIGHTS), join(base, 'elsewhere', MODEL_WEIGHTS));
    await symlink(join(base, 'elsewhere', MODEL_WEIGHTS), join(dir, 'linked.bin'));
    const manifest = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
    const withPath = (p: unknown) => JSON.stringify({ ...manifest, weightsManifest: [{ ...manifest.weightsManifest[0]!, paths: [p] }] });
    const before = tf.memory().numTensors;
    for (const [p, why] of [
      ['../elsewhere/weights.bin', /leaves the directory/],
      [join(base, 'elsewhere', MODEL_WEIGHTS), /absolute path/],
      ['linked.bin', /symbolic link/],
      [7, /paths\[0\] must be a file name, got 7/],
    ] as const) {
      await writeFile(join(dir, MODEL_JSON), withPath(p));
      const err = await loadModel(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toContain(join(dir, MODEL_JSON));
      expect((err as Error).message).toMatch(why);
    }
    // A topology that tfjs cannot build is a FormatError naming model.json, and its half-built layers are freed.
    await writeFile(join(dir, MODEL_JSON), JSON.stringify({ ...manifest, modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'NoSuchLayer', config: {} }] } } }));
    await expect(loadModel(dir)).rejects.toThrow(/model.json: is not a loadable TensorFlow.js layers model/);
    await writeFile(join(dir, MODEL_JSON), withPath('./weights.bin').replace('"shape":[', '"shape":[-1,'));
    await expect(loadModel(dir)).rejects.toThrow(/weights\[0\]\.shape must be a list of non-negative integers/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors', async () => {
    const dir = await tempDir();
    const model = tinyClassifier(5);
    const before = tf.memory().numTensors;
    await saveModel(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    const loaded = await loadModel(dir);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
