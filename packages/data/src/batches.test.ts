import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Rng, cacheFeatures, type Split } from '@metricopt/core';
import { batches } from './batches.js';
import { toSplit, type LabelledImages } from './labelled-images.js';

/** 10 grayscale 2x3 images; pixel k of image i is 10·i + k; label i mod 3. */
function tinySet(): LabelledImages {
  const images = Uint8Array.from({ length: 10 * 6 }, (_, j) => 10 * Math.floor(j / 6) + (j % 6));
  return { images, shape: [10, 2, 3], labels: Int32Array.from({ length: 10 }, (_, i) => i % 3) };
}

/** The image rows of a batch x [B, 2, 3, 1], recovered as image ids (pixel 0 is 10·i/255). */
const ids = (x: tf.Tensor) => Array.from({ length: x.shape[0]! }, (_, r) => Math.round((x.dataSync()[r * 6]! * 255) / 10));

async function collect(it: AsyncIterable<Split>): Promise<Array<{ ids: number[]; y: number[] }>> {
  const out: Array<{ ids: number[]; y: number[] }> = [];
  for await (const b of it) out.push({ ids: ids(b.x), y: Array.from(b.y.dataSync()) });
  return out;
}

describe('toSplit', () => {
  it('turns uint8 [N, H, W] into float32 [n, H, W, 1] in [0, 1] and int32 labels, rows in the given order', () => {
    const set = tinySet();
    const before = tf.memory().numTensors;
    const { x, y } = toSplit(set, { indices: [7, 2] });
    expect(x.shape).toEqual([2, 2, 3, 1]);
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.dataSync())).toEqual([70, 71, 72, 73, 74, 75, 20, 21, 22, 23, 24, 25].map((v) => Math.fround(v / 255)));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([1, 2]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('one-hot targets, a scale and per-channel normalisation (checked against a loop)', () => {
    const images = Float32Array.from({ length: 2 * 1 * 2 * 3 }, (_, j) => j);
    const set: LabelledImages = { images, shape: [2, 1, 2, 3], labels: Int32Array.of(2, 0) };
    const mean = [1, 2, 3];
    const std = [2, 4, 0.5];
    const { x, y } = toSplit(set, { scale: 0.5, normalize: { mean, std }, oneHot: 3 });
    expect(x.shape).toEqual([2, 1, 2, 3]);
    const expected = Array.from(images, (v, j) => (v * 0.5 - mean[j % 3]!) / std[j % 3]!);
    Array.from(x.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 6));
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
    tf.dispose([x, y]);
  });

  it('rejects inconsistent sets and bad options', () => {
    const set = tinySet();
    expect(() => toSplit({ ...set, shape: [10, 2, 2] })).toThrow(/'set.images'/);
    expect(() => toSplit({ ...set, labels: Int32Array.of(1) })).toThrow(/'set.labels' .* must be 10 labels/);
    expect(() => toSplit(set, { indices: [10] })).toThrow(/'indices'.*\[0, 10\)/);
    expect(() => toSplit(set, { oneHot: 2 })).toThrow(/'set.labels'.*\[0, 2\) for oneHot, got 2 at index 2/);
    expect(() => toSplit(set, { normalize: { mean: [0, 0], std: 1 } })).toThrow(InvalidArgumentError);
  });
});

describe('batches from host images', () => {
  it('in order without rng; the last batch is smaller unless dropLast', async () => {
    const all = await collect(batches(tinySet(), { batchSize: 4 }));
    expect(all.map((b) => b.ids)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(all.map((b) => b.y)).toEqual([[0, 1, 2, 0], [1, 2, 0, 1], [2, 0]]);
    const dropped = await collect(batches(tinySet(), { batchSize: 4, dropLast: true }));
    expect(dropped.map((b) => b.ids)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('shuffles from rng: the order is the seeded permutation, reshuffled each epoch', async () => {
    const got = (await collect(batches(tinySet(), { batchSize: 3, rng: new Rng(11), epochs: 2 }))).flatMap((b) => b.ids);
    const ref = new Rng(11);
    const expected = [...Array.from(ref.permutation(10)), ...Array.from(ref.permutation(10))];
    expect(got).toEqual(expected);
    expect(got.slice(0, 10)).not.toEqual(got.slice(10));
    expect([...got.slice(10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('takes only the given indices', async () => {
    const got = (await collect(batches(tinySet(), { batchSize: 2, indices: [9, 1, 4] }))).map((b) => b.ids);
    expect(got).toEqual([[9, 1], [4]]);
  });

  it('owns its batches: nothing is left after a full loop or a break', async () => {
    const before = tf.memory().numTensors;
    let seen = 0;
    for await (const b of batches(tinySet(), { batchSize: 3, rng: new Rng(1) })) {
      seen += b.x.shape[0]!;
      expect(b.x.isDisposed).toBe(false);
    }
    expect(seen).toBe(10);
    expect(tf.memory().numTensors).toBe(before);
    for await (const _ of batches(tinySet(), { batchSize: 3, epochs: Infinity })) break;
    expect(tf.memory().numTensors).toBe(before);
  });

  it('with keepBatches the caller owns them', async () => {
    const before = tf.memory().numTensors;
    const kept: Split[] = [];
    for await (const b of batches(tinySet(), { batchSize: 5, keepBatches: true })) kept.push(b);
    expect(kept.every((b) => !b.x.isDisposed && !b.y.isDisposed)).toBe(true);
    expect(tf.memory().numTensors).toBe(before + 4);
    tf.dispose(kept.flatMap((b) => [b.x, b.y]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("feeds core's cacheFeatures, which clones what it keeps", async () => {
    const set = tinySet();
    const before = tf.memory().numTensors;
    const trunk = (x: tf.Tensor) => tf.reshape(x, [x.shape[0]!, -1]);
    const cached = await cacheFeatures(trunk, batches(set, { batchSize: 4 }));
    const whole = toSplit(set);
    expect(Array.from(cached.features.dataSync())).toEqual(Array.from(whole.x.dataSync()));
    expect(Array.from(cached.y.dataSync())).toEqual(Array.from(set.labels));
    tf.dispose([cached.features, cached.y, whole.x, whole.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options', () => {
    expect(() => batches(tinySet(), { batchSize: 0 })).toThrow(/'options.batchSize'/);
    expect(() => batches(tinySet(), { batchSize: 2, epochs: -1 })).toThrow(/'options.epochs'/);
    expect(() => batches(tinySet(), { batchSize: 2, indices: [3, 12] })).toThrow(/'options.indices'.*12 at position 1/);
  });
});

describe('batches from tensors', () => {
  it('gathers rows of x and y, with one-hot and scaling when asked', async () => {
    const x = tf.tensor2d([[0, 10], [1, 11], [2, 12], [3, 13]]);
    const y = tf.tensor1d([3, 1, 0, 2], 'int32');
    const before = tf.memory().numTensors;
    const out: Array<[number[], number[]]> = [];
    for await (const b of batches({ x, y }, { batchSize: 3, rng: new Rng(2), scale: 2, normalize: { mean: [0, 20], std: 2 }, oneHot: 4 })) {
      out.push([Array.from(b.x.dataSync()), Array.from(b.y.dataSync())]);
      expect(b.y.shape).toEqual([b.x.shape[0], 4]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const perm = Array.from(new Rng(2).permutation(4));
    const rows = out.flatMap(([xs]) => Array.from({ length: xs.length / 2 }, (_, r) => xs.slice(2 * r, 2 * r + 2)));
    expect(rows).toEqual(perm.map((i) => [(2 * i) / 2, (2 * (10 + i) - 20) / 2]));
    const labels = out.flatMap(([, ys]) => Array.from({ length: ys.length / 4 }, (_, r) => ys.slice(4 * r, 4 * r + 4).indexOf(1)));
    expect(labels).toEqual(perm.map((i) => [3, 1, 0, 2][i]));
    tf.dispose([x, y]);
  });

  it('rejects mismatched x and y', () => {
    const x = tf.zeros([3, 2]);
    const y = tf.zeros([2]);
    expect(() => batches({ x, y }, { batchSize: 2 })).toThrow(/'source'/);
    tf.dispose([x, y]);
  });
});
