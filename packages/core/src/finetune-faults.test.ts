import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CheckpointStore } from './checkpoint.js';
import { MetricError, MetricTimeoutError } from './errors.js';
import type { FinetuneOptions } from './finetune-options.js';
import { checkFinetuneState } from './finetune-state.js';
import { DEFAULT_METRIC_TIMEOUT_MS, finetune } from './finetune.js';
import { defineMetric, type Metric } from './metric.js';
import { tinyOptions } from './finetune-problem.fixture.js';

// Metric faults: every failed call is reported with the metric's name and the step, retried as
// configured, and otherwise stops the run with its last good checkpoint on disk, from which a run
// with a healthy metric resumes to the same end as a run that never failed.

function errorRate(out: tf.Tensor, t: tf.Tensor): number {
  const p = tf.tidy(() => tf.argMax(out, 1).dataSync());
  const l = t.dataSync();
  let wrong = 0;
  for (let i = 0; i < l.length; i++) if (p[i] !== l[i]) wrong++;
  return wrong / l.length;
}

const healthy = defineMetric({ name: 'error-rate', higherIsBetter: false, evaluate: errorRate });

/** The healthy metric with calls `from`..`from + count − 1` (1-based) replaced by `fault`. */
function faulty(from: number, count: number, fault: () => number | Promise<number>): Metric {
  let calls = 0;
  return defineMetric({
    name: 'error-rate',
    higherIsBetter: false,
    evaluate: (o, t) => {
      calls++;
      return calls >= from && calls < from + count ? fault() : errorRate(o, t);
    },
  });
}

const run = (metric: Metric, extra: Partial<FinetuneOptions> = {}) => tinyOptions(metric, { steps: 30, ...extra });

async function expectResumable(dir: string, reference: Float32Array): Promise<void> {
  const store = new CheckpointStore(dir);
  const state = await store.load();
  expect(state).not.toBeNull();
  const o = run(healthy, { checkpoint: { dir, every: 5 } });
  checkFinetuneState(state, store.path, { params: o.params.size, trainRows: 300, variableShapes: o.params.variables.map((v) => v.shape.slice()) });
  const resumed = await finetune(o);
  expect(resumed.resumed).toBe(true);
  expect(Array.from(o.params.read())).toEqual(Array.from(reference));
  o.model.dispose();
}

describe('finetune with a faulty metric', () => {
  let reference: Float32Array;
  it('a healthy run (the reference)', async () => {
    const o = run(healthy);
    await finetune(o);
    reference = o.params.read();
    o.model.dispose();
  });

  it.each([
    ['throws', () => { throw new Error('flaky backend'); }, /metric 'error-rate' at step 20: threw: flaky backend/],
    ['returns NaN', () => Number.NaN, /metric 'error-rate' at step 20: expected a finite number, got NaN/],
    ['rejects', () => Promise.reject(new Error('service down')), /metric 'error-rate' at step 20: threw: service down/],
  ])('%s: retried, reported, then the run stops with a checkpoint a healthy run resumes from', async (_kind, fault, message) => {
    // Calls 1–18 are rounds 0 and 1 (steps 0, 10; 9 calls each); call 19 is round 2's first, at step 20.
    const dir = await mkdtemp(join(tmpdir(), 'ft-fault-'));
    const reports: string[] = [];
    const o = run(faulty(19, 3, fault), { checkpoint: { dir, every: 5 }, metricRetries: 2, onMetricFault: (e, attempt) => reports.push(`${attempt}: ${e.message}`) });
    const err = await finetune(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricError);
    expect(String(err)).toMatch(message);
    expect(reports).toHaveLength(3);
    expect(reports[2]).toMatch(/^2: /);
    o.model.dispose();
    await expectResumable(dir, reference);
  });

  it('a fault that clears within the retries costs only the extra calls', async () => {
    const o = run(faulty(19, 2, () => Number.NaN), { metricRetries: 2 });
    const result = await finetune(o);
    const ref = await finetune(run(healthy));
    expect(result.metricCalls).toBe(ref.metricCalls + 2);
    expect(Array.from(o.params.read())).toEqual(Array.from(reference));
    o.model.dispose();
  });

  it('a metric that never resolves is cut by the time limit, and the run stops resumably', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ft-hang-'));
    const never = faulty(19, 2, () => new Promise<number>(() => {}));
    const o = run(never, { checkpoint: { dir, every: 5 }, metricTimeoutMs: 20, metricRetries: 1 });
    const err = await finetune(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricTimeoutError);
    expect(String(err)).toMatch(/metric 'error-rate' at step 20: did not finish within 20 ms/);
    o.model.dispose();
    await expectResumable(dir, reference);
  });

  it('without any time limit set, a metric that never resolves is cut at the default of 10 minutes', async () => {
    expect(DEFAULT_METRIC_TIMEOUT_MS).toBe(600_000);
    const never = faulty(3, 1, () => new Promise<number>(() => {}));
    const o = run(never);
    // Only setTimeout is faked: the 10 minutes pass at once, nothing else changes.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let settled: unknown = null;
      const done = finetune(o).then(() => 'finished', (e: unknown) => e).then((v) => (settled = v));
      for (let i = 0; i < 1000 && settled === null; i++) await vi.advanceTimersByTimeAsync(60_000);
      await done;
      expect(settled).toBeInstanceOf(MetricTimeoutError);
      expect(String(settled)).toMatch(/metric 'error-rate' at step 0: did not finish within 600000 ms/);
    } finally {
      vi.useRealTimers();
      o.model.dispose();
    }
  });
});
