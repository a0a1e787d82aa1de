import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MetricError } from './errors.js';
import type { FinetuneMode, FinetuneOptions } from './finetune-options.js';
import { evaluateMetric, finetune } from './finetune.js';
import { defineMetric } from './metric.js';
import { DIM, errorRate, metricSplit, tinyOptions } from './finetune-problem.fixture.js';

/** Options on the shared tiny problem (three overlapping Gaussian classes, the last one rare). */
function options(extra: Partial<FinetuneOptions> = {}): FinetuneOptions {
  return tinyOptions(errorRate, extra);
}

describe('finetune', () => {
  it.each<FinetuneMode>(['loss', 'loss+value', 'value', 'es', 'loss+es'])('mode %s spends the same metric-call budget', async (mode) => {
    const o = options({ mode });
    const run = await finetune(o);
    // 4 rounds of 2K+1 = 9 calls, plus one whole-split call for the final φ.
    expect(run.metricCalls).toBe(4 * 9 + 1);
    expect(run.history).toHaveLength(4);
    expect(run.best).not.toBeNull();
    // The selected φ is the one now in the model: its metric-split error equals best.metric.
    expect(await evaluateMetric(o.model, errorRate, metricSplit)).toBeCloseTo(run.best!.metric, 6);
    o.model.dispose();
  });

  it('gives the same parameters for the same seed, and different ones for another seed', async () => {
    const a = options({ steps: 30 });
    const b = options({ steps: 30 });
    const c = options({ steps: 30, seed: 6 });
    await finetune({ ...a, select: false });
    await finetune({ ...b, select: false });
    await finetune({ ...c, select: false });
    expect(Array.from(a.params.read())).toEqual(Array.from(b.params.read()));
    expect(Array.from(a.params.read())).not.toEqual(Array.from(c.params.read()));
  });

  it('resumes a killed run from its last checkpoint and ends where an uninterrupted run ends', async () => {
    const whole = options({ steps: 60 });
    const ref = await finetune(whole);
    const dir = await mkdtemp(join(tmpdir(), 'ft-resume-'));
    const first = options({ steps: 60, checkpoint: { dir, every: 20 } });
    const crash = new Error('simulated kill');
    await expect(finetune({ ...first, onStep: ({ step }) => { if (step === 47) throw crash; } })).rejects.toBe(crash);
    const saved = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as { step: number };
    expect(saved.step).toBe(40);
    const second = options({ steps: 60, checkpoint: { dir, every: 20 } });
    const resumed = await finetune(second);
    expect(resumed.resumed).toBe(true);
    expect(resumed.metricCalls).toBe(ref.metricCalls);
    expect(resumed.history.map((h) => h.centreMetric)).toEqual(ref.history.map((h) => h.centreMetric));
    const p = second.params.read();
    whole.params.read().forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
  });

  it('stops on a failing metric with its name and step, leaving the last good checkpoint intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ft-fault-'));
    let calls = 0;
    const flaky = defineMetric({
      name: 'flaky', higherIsBetter: false,
      evaluate: (o, t) => (++calls > 30 ? NaN : (errorRate.evaluate(o, t) as number)),
    });
    const err = await finetune(options({ metric: flaky, steps: 60, checkpoint: { dir, every: 10 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricError);
    expect(String(err)).toMatch(/metric 'flaky' at step 30: expected a finite number, got NaN/);
    const saved = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as { step: number };
    expect(saved.step).toBe(30);
  });

  it('retries a failing metric call when asked', async () => {
    let calls = 0;
    const once = defineMetric({
      name: 'once', higherIsBetter: false,
      evaluate: (o, t) => (++calls === 3 ? Promise.reject(new Error('transient')) : errorRate.evaluate(o, t)),
    });
    const run = await finetune(options({ metric: once, steps: 10, metricRetries: 1 }));
    expect(run.metricCalls).toBe(9 + 1 + 1);
  });

  it('refuses a second run on a locked checkpoint directory and a checkpoint of another run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ft-lock-'));
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let holding!: () => void;
    const inside = new Promise<void>((r) => { holding = r; });
    const gated = defineMetric({ name: 'gated', higherIsBetter: false, evaluate: async (o, t) => {
      holding();
      await gate;
      return errorRate.evaluate(o, t);
    } });
    const first = finetune(options({ metric: gated, steps: 20, checkpoint: { dir, every: 10 } }));
    await inside; // the first run is inside a metric call, so it holds the lock
    await expect(finetune(options({ metric: gated, steps: 20, checkpoint: { dir, every: 10 } }))).rejects.toThrow(
      /is locked by process \d+; two runs cannot share a checkpoint directory/,
    );
    release();
    await first;
    await expect(finetune(options({ metric: gated, steps: 30, checkpoint: { dir, every: 10 } }))).rejects.toThrow(
      /belongs to another run: its steps is 20, this run's is 30/,
    );
    await expect(finetune(options({ metric: gated, steps: 20, lambda: 1, checkpoint: { dir, every: 10 } }))).rejects.toThrow(
      /belongs to another run: its lambda is 3, this run's is 1/,
    );
    await expect(finetune(options({ metric: gated, steps: 20, mixing: 'loss-prior', checkpoint: { dir, every: 10 } }))).rejects.toThrow(
      /belongs to another run: its knobs is/,
    );
    await expect(finetune(options({ metric: gated, steps: 20, steer: ['head-bias'], checkpoint: { dir, every: 10 } }))).rejects.toThrow(
      /belongs to another run: its knobs is/,
    );
  });

  it.each<FinetuneMode>(['loss', 'es', 'loss+es', 'value'])('mode %s leaves no tensors behind', async (mode) => {
    const o = options({ mode, steps: 30 });
    const before = tf.memory().numTensors;
    await finetune({ ...o, optimizer: undefined });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not leak tensors over 200 steps with observation rounds', async () => {
    const o = options({ steps: 200, mode: 'loss+value' });
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await finetune({ ...o, optimizer: undefined, onStep: ({ step }) => { if (step % 50 === 0) counts.push(tf.memory().numTensors); } });
    expect(counts, JSON.stringify(counts)).toEqual(counts.map(() => counts[0]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options, naming the argument', async () => {
    await expect(finetune(options({ steps: 0 }))).rejects.toThrow(/'steps' passed to finetune must be a positive integer, got 0/);
    await expect(finetune(options({ mode: 'magic' as FinetuneMode }))).rejects.toThrow(/'mode' passed to finetune must be one of loss\+value, value, loss, es, loss\+es/);
    await expect(finetune(options({ sigma: -1 }))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(finetune(options({ data: { train: { x: tf.zeros([3, DIM]), y: tf.zeros([2]) }, metric: metricSplit } })))
      .rejects.toThrow(/'data.train' passed to finetune/);
  });
});
