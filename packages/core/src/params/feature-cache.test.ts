import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { cacheFeatures, FeatureCache, type Batch } from './feature-cache.js';

// A trunk with a naive reference: each row x ↦ [sum(x), max(x)].
const trunk = (x: tf.Tensor) => tf.tidy(() => tf.stack([tf.sum(x, 1), tf.max(x, 1)], 1));
const reference = (rows: number[][]) => rows.flatMap((r) => [r.reduce((a, b) => a + b, 0), Math.max(...r)]);
const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => [i, -i, 2 * i + 1]);

async function* batches(rows: number[][], size: number): AsyncGenerator<Batch> {
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    yield { x: tf.tensor2d(chunk), y: tf.tensor1d(chunk.map((_, j) => i + j), 'int32') };
  }
}

describe('cacheFeatures', () => {
  it.each([1, 3, 7, 100])('runs the trunk in chunks of %i rows and matches the reference', (batchSize) => {
    const rows = rowsOf(7);
    const x = tf.tensor2d(rows);
    const before = tf.memory().numTensors;
    const f = cacheFeatures(trunk, x, { batchSize });
    expect(f.shape).toEqual([7, 2]);
    expect(Array.from(f.dataSync())).toEqual(reference(rows));
    f.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('hands back a copy when the trunk is the identity, so the caller keeps its input', () => {
    const x = tf.tensor2d([[1, 2]]);
    const f = cacheFeatures((t) => t, x, { batchSize: 4 });
    expect(f).not.toBe(x);
    f.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('materialises an async source batch by batch into {features, y}', async () => {
    const rows = rowsOf(10);
    const before = tf.memory().numTensors;
    const { features, y } = await cacheFeatures(trunk, batches(rows, 4), { batchSize: 3, disposeBatches: true });
    expect(Array.from(features.dataSync())).toEqual(reference(rows));
    expect(Array.from(y.dataSync())).toEqual(rows.map((_, i) => i));
    tf.dispose([features, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves the source\'s batches alone unless told to dispose them', async () => {
    const kept: Batch[] = [];
    async function* source() {
      for (const b of [{ x: tf.ones([2, 3]), y: tf.zeros([2]) }]) {
        kept.push(b);
        yield b;
      }
    }
    const { features, y } = await cacheFeatures(trunk, source(), {});
    expect(kept[0]!.x.isDisposed).toBe(false);
    tf.dispose([features, y, kept[0]!.x, kept[0]!.y]);
  });

  it('rejects bad arguments naming them, and frees what it read when a batch is bad', async () => {
    expect(() => cacheFeatures(trunk, tf.zeros([0, 3]), {})).toThrow(/at least one row/);
    expect(() => cacheFeatures(trunk, tf.zeros([1, 3]), { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => cacheFeatures(trunk, [1, 2] as unknown as tf.Tensor)).toThrow(InvalidArgumentError);
    const before = tf.memory().numTensors;
    async function* bad(): AsyncGenerator<Batch> {
      yield { x: tf.ones([2, 3]), y: tf.zeros([2]) };
      yield { x: tf.ones([2, 3]), y: tf.zeros([3]) };
    }
    await expect(cacheFeatures(trunk, bad(), { disposeBatches: true })).rejects.toThrow(/same number of rows/);
    await expect(cacheFeatures(trunk, batches([], 1), {})).rejects.toThrow(/at least one batch/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('FeatureCache', () => {
  it('owns features per split, replaces on re-add, and frees all on dispose', async () => {
    const before = tf.memory().numTensors;
    const cache = new FeatureCache(trunk, { batchSize: 2, disposeBatches: true });
    const x = tf.tensor2d(rowsOf(3));
    const y = tf.tensor1d([0, 1, 2]);
    await cache.add('train', { x, y });
    tf.dispose([x, y]);
    await cache.add('metric', batches(rowsOf(5), 2));
    expect(cache.splits).toEqual(['train', 'metric']);
    expect(Array.from(cache.get('train').features.dataSync())).toEqual(reference(rowsOf(3)));
    expect(cache.get('metric').y.shape).toEqual([5]);
    await cache.add('metric', batches(rowsOf(4), 2));
    expect(cache.get('metric').features.shape).toEqual([4, 2]);
    expect(() => cache.get('test')).toThrow(/\[train, metric\].*"test"/);
    cache.dispose();
    expect(cache.has('train')).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });
});
