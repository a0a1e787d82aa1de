import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricError, MetricTimeoutError } from './errors.js';
import { finetune } from './finetune.js';
import { callMetric } from './metric.js';
import { workerMetric } from './worker-metric.js';
import { tinyOptions } from './finetune-problem.fixture.js';

// The metric module a worker loads: an error rate on host arrays, one that spins forever, one that throws.
const MODULE = `
export default function errorRate(outputs, targets) {
  const [n, k] = outputs.shape;
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (outputs.values[i * k + j] > outputs.values[i * k + best]) best = j;
    if (best !== targets.values[i]) wrong++;
  }
  return wrong / n;
}
export function spin() { for (;;) {} }
export function broken() { throw new Error('no such class'); }
`;

let module = '';
beforeAll(async () => {
  module = join(await mkdtemp(join(tmpdir(), 'worker-metric-')), 'metric.mjs');
  await writeFile(module, MODULE);
});

describe('workerMetric', () => {
  it('computes in a worker what the same function computes here', async () => {
    const metric = workerMetric({ name: 'error-rate', higherIsBetter: false, module, timeoutMs: 20_000 });
    const outputs = tf.tensor2d([0.1, 0.9, 0.8, 0.2, 0.3, 0.7], [3, 2]);
    const targets = tf.tensor1d([1, 1, 1], 'int32');
    expect(await callMetric(metric, outputs, targets, 4)).toBeCloseTo(1 / 3, 12);
    await metric.close();
    tf.dispose([outputs, targets]);
  });

  it('cuts a synchronous busy loop at the time limit (MetricTimeoutError) and answers again from a fresh worker', async () => {
    const spin = workerMetric({ name: 'spin', higherIsBetter: true, module, exportName: 'spin', timeoutMs: 200 });
    const x = tf.zeros([2, 2]);
    const err = await callMetric(spin, x, x, 7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricTimeoutError);
    expect(String(err)).toMatch(/metric 'spin' at step 7: did not finish within 200 ms/);
    await spin.close();
    const broken = workerMetric({ name: 'broken', higherIsBetter: true, module, exportName: 'broken', timeoutMs: 20_000 });
    await expect(callMetric(broken, x, x, 8)).rejects.toThrow(/metric 'broken' at step 8: threw: no such class/);
    await broken.close();
    x.dispose();
  });

  it('lets a finetune with a spinning metric stop at the time limit instead of hanging', async () => {
    const spin = workerMetric({ name: 'spin', higherIsBetter: true, module, exportName: 'spin', timeoutMs: 200 });
    const o = tinyOptions(spin, { steps: 10, metricRetries: 1 });
    const err = await finetune(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricError);
    expect(String(err)).toMatch(/metric 'spin' at step 0: did not finish within 200 ms/);
    await spin.close();
    o.model.dispose();
  });
});
