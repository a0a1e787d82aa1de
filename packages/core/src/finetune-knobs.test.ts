import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FinetuneOptions } from './finetune-options.js';
import { finetune } from './finetune.js';
import { defineMetric } from './metric.js';
import { CLASSES, tinyOptions } from './finetune-problem.fixture.js';

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

/** Cross-entropy split into one term per class's rows (the terms sum to the mean cross-entropy). */
function classTerms(outputs: tf.Tensor, targets: tf.Tensor): tf.Scalar[] {
  const perRow = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(targets, 'int32'), CLASSES), outputs, undefined, undefined, tf.Reduction.NONE);
  return Array.from({ length: CLASSES }, (_, c) => tf.div(tf.sum(tf.mul(perRow, tf.cast(tf.equal(targets, c), 'float32'))), targets.shape[0]!) as tf.Scalar);
}

function options(extra: Partial<FinetuneOptions> = {}): FinetuneOptions {
  return tinyOptions(balancedError, extra);
}

const KNOBS: [string, Partial<FinetuneOptions>][] = [
  ['loss-prior, one weight', { mixing: 'loss-prior' }],
  ['loss-prior, a weight per class', { mixing: 'loss-prior', lossGroups: 'label', groupRidge: [0.1, 1, 10], lambda: 0.3 }],
  ['loss-prior, a weight per loss term', { mixing: 'loss-prior', lossParts: classTerms, groupRidge: 1 }],
  ['guided exploration', { guide: { share: 0.5, directions: ['loss', 'value', 'step'] } }],
  ['guided by the class slopes', { mixing: 'loss-prior', lossGroups: 'label', guide: { share: 0.5, directions: ['groups'] } }],
  ['V as its own step', { valueStep: { learningRate: 0.01 } }],
  ['steering FiLM and biases only', { steer: ['film-scale', 'film-shift', 'head-bias'] }],
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

  it.each([
    ['value', 'head-bias'],
    ['es', 'head-bias'],
    ['es', 'hidden1'],
  ] as const)('steer: in mode %s steering %s, only those segments move (rounds perturb nothing else)', async (mode, part) => {
    const o = options({ mode, steer: [part], trust: { fixed: 1 }, warmupRounds: 0, select: false });
    const view = o.params;
    const run = await finetune(o);
    expect(run.metricCalls).toBe(4 * 9);
    const delta = view.delta();
    let moved = 0;
    for (const seg of view.segments) {
      const values = Array.from(delta.subarray(seg.offset, seg.offset + seg.size));
      if (seg.kind === part || seg.layer === part) moved += values.filter((v) => v !== 0).length;
      else expect(values.every((v) => v === 0)).toBe(true);
    }
    expect(moved).toBeGreaterThan(0);
    o.model.dispose();
  });

  it('rejects bad knob values, naming the argument', async () => {
    await expect(finetune(options({ steer: [] }))).rejects.toThrow(/'steer'/);
    await expect(finetune(options({ steer: [3 as never] }))).rejects.toThrow(/'steer'.*segment kinds/);
    await expect(finetune(options({ steer: ['custom'] }))).rejects.toThrow(/'steer'.*that φ has \(head-kernel, head-bias, film-scale, hidden1, film-shift\).*"custom"/);
    await expect(finetune(options({ guide: { share: 2 } }))).rejects.toThrow(/'guide.share'/);
    await expect(finetune(options({ guide: { share: 0.5, directions: ['north' as never] } }))).rejects.toThrow(/'guide.directions'/);
    await expect(finetune(options({ mode: 'loss+value', mixing: 'loss-prior', lossGroups: () => [1] }))).rejects.toThrow(/'lossGroups'/);
    await expect(finetune(options({ mode: 'loss+value', mixing: 'loss-prior', lossParts: classTerms, lossGroups: 'label' }))).rejects.toThrow(/'lossParts'/);
    await expect(finetune(options({ mode: 'loss+value', mixing: 'loss-prior', lossParts: (o) => [tf.sum(o, 1) as never] }))).rejects.toThrow(/'lossParts'.*scalar/);
  });
});
