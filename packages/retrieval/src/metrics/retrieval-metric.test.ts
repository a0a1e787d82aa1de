import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, MetricError, Rng, callMetric } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { mapAtR, mapAtRMetric, rPrecisionMetric, recallAt1, recallAtKMetric } from './retrieval-metric-defs.js';
import { RetrievalMetric } from './retrieval-metric.js';
import { retrievalMetrics } from './retrieval-metrics.js';

const rng = new Rng(9);
const n = 60;
const dim = 5;
const x = rng.normals(n * dim);
const y = Int32Array.from({ length: n }, () => rng.int(8));

describe('RetrievalMetric', () => {
  it('accumulates batches into the same result as one call', () => {
    const metric = new RetrievalMetric({ k: [1, 5] });
    metric.update(x.subarray(0, 17 * dim), y.subarray(0, 17), 'both', dim);
    const batch = tf.tensor2d(x.subarray(17 * dim), [n - 17, dim]);
    metric.update(batch, Array.from(y.subarray(17)));
    batch.dispose();
    expect(metric.compute()).toEqual(retrievalMetrics(x, y, dim, { k: [1, 5] }));
    metric.reset();
    metric.update(x.subarray(0, 20 * dim), y.subarray(0, 20), 'query', dim);
    metric.update(x.subarray(20 * dim), y.subarray(20), 'gallery');
    expect(metric.compute()).toEqual(retrievalMetrics(x, y, dim, { k: [1, 5], queryCount: 20 }));
  });

  it('rejects mixed roles, mismatched sizes and compute before update', () => {
    const metric = new RetrievalMetric({ k: [1] });
    expect(() => metric.compute()).toThrow(InvalidArgumentError);
    metric.update(x.subarray(0, 10), y.subarray(0, 2), 'query', dim);
    expect(() => metric.update(x.subarray(0, 10), y.subarray(0, 2), 'both')).toThrow(/'role' .* same kind as earlier batches \(query\/gallery\)/);
    expect(() => metric.update(x.subarray(0, 10), y.subarray(0, 3), 'gallery')).toThrow(/one label per embedding row \(2\), got 3 labels/);
    expect(() => metric.update(x.subarray(0, 12), y.subarray(0, 2), 'gallery', 6)).toThrow(/rows of dim 5 \(as before\), got dim 6/);
  });
});

describe('retrieval Metrics for finetune', () => {
  it('evaluate embeddings and labels tensors, without leaking tensors', async () => {
    const outputs = tf.tensor2d(x, [n, dim]);
    const targets = tf.tensor1d(Array.from(y), 'float32');
    const before = tf.memory().numTensors;
    const want = retrievalMetrics(x, y, dim, { k: [1, 3] });
    expect(await callMetric(recallAt1, outputs, targets, 0)).toBe(want.recallAtK['1']);
    expect(await callMetric(recallAtKMetric(3), outputs, targets, 0)).toBe(want.recallAtK['3']);
    expect(await callMetric(mapAtR, outputs, targets, 0)).toBe(want.mapAtR);
    expect(await callMetric(rPrecisionMetric(), outputs, targets, 0)).toBe(want.rPrecision);
    const l2 = retrievalMetrics(x, y, dim, { k: [1], metric: 'euclidean' });
    expect(await callMetric(mapAtRMetric({ metric: 'euclidean' }), outputs, targets, 0)).toBe(l2.mapAtR);
    expect(tf.memory().numTensors).toBe(before);
    expect(recallAt1).toMatchObject({ name: 'recall@1', higherIsBetter: true });
    expect(mapAtR).toMatchObject({ name: 'map@r', higherIsBetter: true });
    outputs.dispose();
    targets.dispose();
  });

  it('reports bad shapes and all-distinct labels as MetricErrors', async () => {
    const outputs = tf.tensor2d([[1, 0], [0, 1]]);
    const distinct = tf.tensor1d([0, 1]);
    const rank2 = tf.tensor2d([[0], [1]]);
    await expect(callMetric(recallAt1, outputs, distinct, 3)).rejects.toThrow(/recall@1' at step 3: threw: .*at least one label shared by two items/);
    await expect(callMetric(recallAt1, outputs, rank2, 3)).rejects.toThrow(MetricError);
    expect(() => recallAtKMetric(0)).toThrow(/'k' passed to recallAtKMetric must be a positive integer, got 0/);
    tf.dispose([outputs, distinct, rank2]);
  });
});
