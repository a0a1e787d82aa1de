import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlpBackbone, withHead } from './backbones/index.js';
import type { FinetuneOptions } from './finetune-options.js';
import { finetune } from './finetune.js';
import { defineMetric } from './metric.js';
import { combineViews, filmAdapters, headParams } from './params/film-adapters.js';
import { Rng } from './rng.js';

const CLASSES = 3;
const DIM = 4;

function gaussians(n: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.next() < 0.15 ? 2 : rng.int(2);
    y.push(c);
    for (let d = 0; d < DIM; d++) x.push(rng.normal() + (d === c ? 1.5 : 0));
  }
  return { x: tf.tensor2d(x, [n, DIM]), y: tf.tensor1d(y, 'int32') };
}

const balancedError = defineMetric({
  name: 'balanced-error',
  higherIsBetter: false,
  evaluate: (out, t) => {
    const p = tf.tidy(() => tf.argMax(out, 1).dataSync());
    const l = t.dataSync();
    const hit = new Array<number>(CLASSES).fill(0);
    const all = new Array<number>(CLASSES).fill(0);
    for (let i = 0; i < l.length; i++) {
      all[l[i]!]! += 1;
      if (p[i] === l[i]) hit[l[i]!]! += 1;
    }
    const present = all.map((n, c) => (n > 0 ? hit[c]! / n : null)).filter((r): r is number => r !== null);
    return 1 - present.reduce((a, b) => a + b, 0) / present.length;
  },
});

const train = gaussians(300, 11);
const metricSplit = gaussians(120, 12);

function options(extra: Partial<FinetuneOptions> = {}): FinetuneOptions {
  const model = withHead(mlpBackbone({ inputDim: DIM, hidden: [8], seed: 1 }).model, { units: CLASSES, seed: 1 });
  const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden1'] }));
  return {
    model, params, metric: balancedError, steps: 40, seed: 5, batchSize: 32, observeEvery: 10,
    data: { train, metric: metricSplit }, optimizer: tf.train.adam(0.01), ...extra,
  };
}

const KNOBS: [string, Partial<FinetuneOptions>][] = [
  ['loss-prior, one weight', { mixing: 'loss-prior' }],
  ['loss-prior, a weight per class', { mixing: 'loss-prior', lossGroups: 'label', groupRidge: [0.1, 1, 10], lambda: 0.3 }],
  ['guided exploration', { guide: { share: 0.5, directions: ['loss', 'value', 'step'] } }],
  ['guided by the class slopes', { mixing: 'loss-prior', lossGroups: 'label', guide: { share: 0.5, directions: ['groups'] } }],
  ['V as its own step', { valueStep: { learningRate: 0.01 } }],
  ['antithetic GP, projected conflicts, fixed trust', { gp: { differences: 'antithetic', reselectEvery: 2 }, conflict: 'project', trust: { fixed: 1 } }],
];

describe('finetune knobs', () => {
  it.each(KNOBS)('%s: same metric-call budget, no leaked tensors', async (_, knobs) => {
    const o = options({ mode: 'loss+value', ...knobs });
    const before = tf.memory().numTensors;
    const run = await finetune({ ...o, optimizer: undefined });
    expect(run.metricCalls).toBe(4 * 9 + 1);
    expect(tf.memory().numTensors).toBe(before);
    o.model.dispose();
  });

  it('a run with a weight per class resumes from a checkpoint and ends where an uninterrupted run ends', async () => {
    const knobs: Partial<FinetuneOptions> = { mixing: 'loss-prior', lossGroups: 'label', lambda: 0.3, guide: { share: 0.3, directions: ['groups', 'step'] } };
    const whole = options({ steps: 60, ...knobs });
    const ref = await finetune(whole);
    const dir = await mkdtemp(join(tmpdir(), 'ft-knobs-'));
    const crash = new Error('simulated kill');
    await expect(finetune({ ...options({ steps: 60, checkpoint: { dir, every: 20 }, ...knobs }), onStep: ({ step }) => { if (step === 47) throw crash; } }))
      .rejects.toBe(crash);
    const second = options({ steps: 60, checkpoint: { dir, every: 20 }, ...knobs });
    const resumed = await finetune(second);
    expect(resumed.resumed).toBe(true);
    expect(resumed.history.map((h) => h.centreMetric)).toEqual(ref.history.map((h) => h.centreMetric));
    const p = second.params.read();
    whole.params.read().forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
  });

  it('rejects bad knob values, naming the argument', async () => {
    await expect(finetune(options({ guide: { share: 2 } }))).rejects.toThrow(/'guide.share'/);
    await expect(finetune(options({ guide: { share: 0.5, directions: ['north' as never] } }))).rejects.toThrow(/'guide.directions'/);
    await expect(finetune(options({ mode: 'loss+value', mixing: 'loss-prior', lossGroups: () => [1] }))).rejects.toThrow(/'lossGroups'/);
  });
});
