import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, headParams, splitModel } from '@metricopt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrPretrainEmbedding } from '../cache/pretrained-cache.js';
import { contrastiveLoss } from '../losses/contrastive-loss.js';
import { cutEmbeddingModel } from './cut-embedding-model.js';
import { buildEmbeddingModel, embeddingParams, type EmbeddingModelOptions } from './embedding-model.js';
import { pretrainEmbedding } from './pretrain-embedding.js';
import { inputNormalization, trunkFeatures } from './trunk-features.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'embedding-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = { inputShape: [10, 10, 1], dim: 6, filters: [2, 4] as [number, number], units: 8, seed: 1 };

/** 6 classes of 10 × 10 images: a bright bar at row or column c, plus seeded noise. */
function bars(perClass: number, seed: number) {
  const rng = new Rng(seed);
  const n = 6 * perClass;
  const images = new Uint8Array(n * 100);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 6;
    labels[i] = c;
    for (let p = 0; p < 100; p++) {
      const onBar = c < 3 ? Math.floor(p / 10) === 2 + 3 * c : p % 10 === 2 + 3 * (c - 3);
      images[i * 100 + p] = Math.min(255, Math.round((onBar ? 200 : 20) + 30 * rng.next()));
    }
  }
  return { images, shape: [n, 10, 10], labels };
}

function rowNorms(t: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(tf.sqrt(tf.sum(tf.square(t), -1)).dataSync()));
}

describe('buildEmbeddingModel', () => {
  it('ends in a projection and L2 normalisation, keeps the FiLM points, and is seeded', () => {
    const tensors = tf.memory().numTensors;
    const model = buildEmbeddingModel(small);
    const again = buildEmbeddingModel(small);
    const x = tf.randomUniform([5, 10, 10, 1], 0, 1, 'float32', 3);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([5, 6]);
    for (const norm of rowNorms(y)) expect(norm).toBeCloseTo(1, 5);
    const y2 = again.predict(x) as tf.Tensor;
    expect(Array.from(y2.dataSync())).toEqual(Array.from(y.dataSync()));
    expect(model.getUserDefinedMetadata()).toEqual({ filmPoints: ['block1_film', 'block2_film', 'block3_film'], embeddingDim: 6 });
    expect(model.layers.slice(-2).map((l) => l.name)).toEqual(['projection', 'l2_normalize']);
    tf.dispose([x, y, y2]);
    model.dispose();
    again.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('φ = projection + the last FiLM layer; headParams finds the projection', () => {
    const model = buildEmbeddingModel(small);
    const params = embeddingParams(model);
    expect(params.size).toBe(8 * 6 + 6 + 2 * 8);
    expect(params.boundary).toBe('block3_film');
    expect(params.segments.map((s) => s.kind)).toEqual(['head-kernel', 'head-bias', 'film-scale', 'film-shift']);
    expect(embeddingParams(model, 'none').boundary).toBe('projection');
    expect(embeddingParams(model, ['block2']).size).toBe(8 * 6 + 6 + 2 * 4);
    expect(headParams(model).boundary).toBe('projection');
    expect(() => embeddingParams(model, ['nope'])).toThrow(/FiLM points of the model/);
    model.dispose();
  });

  it('cuts into a trunk and a head whose composition is the model; the head takes grouped features', () => {
    const cases: [EmbeddingModelOptions & { dim: number }, string][] = [
      [small, 'block3_film'],
      [{ inputShape: [8, 8, 3], dim: 4, widths: [4, 8], seed: 2 }, 'block2_film'],
    ];
    for (const [options, layer] of cases) {
      const tensors = tf.memory().numTensors;
      const model = buildEmbeddingModel(options);
      const cut = cutEmbeddingModel(model, layer);
      const [h, w, c] = options.inputShape as [number, number, number];
      const x = tf.randomUniform([6, h, w, c], 0, 1, 'float32', 4);
      const whole = model.predict(x) as tf.Tensor;
      const features = cut.trunk.predict(x) as tf.Tensor;
      const parts = cut.head.predict(features) as tf.Tensor;
      const close = tf.tidy(() => tf.max(tf.abs(tf.sub(whole, parts))).dataSync()[0]!);
      expect(close).toBeLessThan(1e-5);
      // A grouped head takes rows of 3 samples ([2, 3, ...features]) and gives their 6 embeddings.
      const grouped = cutEmbeddingModel(model, layer, { grouped: true });
      // As finetune runs it: core's splitModel with no boundary (model.predict checks the input rank).
      const asFinetune = splitModel(grouped.head, null);
      const rows = tf.tidy(() => asFinetune.head(tf.reshape(features, [2, 3, ...features.shape.slice(1)])));
      expect(rows.shape).toEqual([6, options.dim]);
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(rows, parts))).dataSync()[0]!)).toBeLessThan(1e-5);
      const flat = grouped.head.predict(features) as tf.Tensor;
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(flat, parts))).dataSync()[0]!)).toBeLessThan(1e-5);
      const free = embeddingParams(grouped.head, 'last', { boundary: false });
      expect([free.boundary, free.size]).toEqual([null, embeddingParams(cut.head).size]);
      expect(embeddingParams(cut.head).boundary).toBe(layer);
      tf.dispose([rows, flat]);
      asFinetune.dispose();
      grouped.dispose();
      tf.dispose([x, whole, features, parts]);
      cut.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
    }
  });
});

describe('pretrainEmbedding and loadOrPretrainEmbedding', () => {
  it('lowers the loss on M-per-class batches, leaves FiLM at the identity, and caches the model by config', async () => {
    const tensors = tf.memory().numTensors;
    const set = bars(8, 1);
    const rows = Int32Array.from({ length: 48 }, (_, i) => i);
    const normalize = inputNormalization(set, rows);
    let trained = 0;
    const options = {
      config: { test: 'bars', seed: 1 },
      cacheDir: dir,
      build: () => buildEmbeddingModel(small),
      train: async (m: ReturnType<typeof buildEmbeddingModel>) => {
        trained++;
        const loss = contrastiveLoss();
        const before = tf.tidy(() => loss(m.predict(tf.tidy(() => tf.div(tf.sub(tf.div(tf.tensor4d(set.images, [48, 10, 10, 1], 'float32'), 255), normalize.mean[0]!), normalize.std[0]!))) as tf.Tensor, tf.tensor1d(set.labels, 'int32')).dataSync()[0]!);
        const info = await pretrainEmbedding(m, set, { indices: rows, steps: 40, loss, classesPerBatch: 4, samplesPerClass: 3, learningRate: 0.01, seed: 1, normalize });
        return { ...info, before };
      },
    };
    const first = await loadOrPretrainEmbedding(options);
    expect(first.cached).toBe(false);
    expect(first.info.loss).toBeLessThan(first.info.before);
    const film = first.model.getLayer('block3_film').getWeights();
    expect(Array.from(film[0]!.dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(film[1]!.dataSync()).every((v) => v === 0)).toBe(true);
    const again = await loadOrPretrainEmbedding(options);
    expect([again.cached, trained, again.info]).toEqual([true, 1, first.info]);
    const cut = cutEmbeddingModel(again.model, 'block3_film');
    const features = await trunkFeatures(cut.trunk, set, { indices: rows, normalize });
    const loaded = cut.head.predict(features.x) as tf.Tensor;
    const firstCut = cutEmbeddingModel(first.model, 'block3_film');
    const original = tf.tidy(() => {
      const x = tf.div(tf.sub(tf.div(tf.tensor4d(set.images, [48, 10, 10, 1], 'float32'), 255), normalize.mean[0]!), normalize.std[0]!);
      return firstCut.head.predict(firstCut.trunk.predict(x) as tf.Tensor) as tf.Tensor;
    });
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(loaded, original))).dataSync()[0]!)).toBeLessThan(1e-5);
    tf.dispose([features.x, features.y, loaded, original]);
    cut.dispose();
    firstCut.dispose();
    first.model.dispose();
    again.model.dispose();
    // A corrupt entry is trained again.
    await writeFile(join(again.dir, 'pretrain.json'), '{ not json');
    const redone = await loadOrPretrainEmbedding(options);
    expect([redone.cached, trained]).toEqual([false, 2]);
    redone.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
