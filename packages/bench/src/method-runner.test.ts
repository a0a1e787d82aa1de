import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, defineMetric, evaluateMetric, headParams, weightedCrossEntropy } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMethods, type BenchMethod } from './method-runner.js';
import { silentReporter } from './reporter.js';
import { ResultsBuilder } from './results.js';
import { RunJournal, withRunJournal } from './run-journal.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const errorRate = defineMetric({
  name: 'error-rate',
  higherIsBetter: false,
  evaluate: (logits, labels) => tf.tidy(() => tf.mean(tf.cast(tf.notEqual(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')).dataSync()[0]!),
});

function blobs(seed: number, n: number) {
  const rng = new Rng(seed);
  const y = Int32Array.from({ length: n }, () => rng.int(3));
  const x = Float32Array.from({ length: n * 4 }, (_, i) => rng.normal() + (i % 4 === y[Math.floor(i / 4)]! ? 1.5 : 0));
  return { x: tf.tensor2d(x, [n, 4]), y: tf.tensor1d(y, 'int32') };
}

const catalog: Record<string, BenchMethod> = {
  loss: { mode: 'loss' },
  again: { mode: 'loss' },
  es: { mode: 'es' },
  metricopt: { mode: 'loss+value' },
  weighted: { mode: 'loss', loss: weightedCrossEntropy([1, 2, 3]) },
};

describe('runMethods', () => {
  it('runs every method from φ₀ on the same budget, records test / metric split / twin, restores φ₀, leaks nothing', async () => {
    const model = withHead(mlpBackbone({ inputDim: 4, hidden: [6], seed: 1 }).model, { units: 3, seed: 1 });
    const params = headParams(model);
    const [train, metric, twin, test] = [blobs(1, 200), blobs(2, 60), blobs(3, 60), blobs(4, 80)];
    const builder = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'error-rate', higherIsBetter: false } });
    let optimizers = 0;
    const tensors = tf.memory().numTensors;
    const records = await runMethods({
      seed: 7, model, params, metric: errorRate, methods: ['loss', 'es', 'metricopt', 'again', 'weighted'], catalog,
      data: { train, metric }, evaluation: { test, metric, twin }, steps: 20,
      optimizer: () => {
        optimizers++;
        return tf.train.adam(0.05);
      },
      finetune: { batchSize: 32, observeEvery: 5 },
      extra: { pretrainSeconds: 1.5 },
      builder, reporter: silentReporter,
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(optimizers).toBe(5);
    expect(Array.from(params.read())).toEqual(Array.from(params.phi0));
    const before = await evaluateMetric(model, errorRate, test);
    expect(records.map((r) => r.before)).toEqual(new Array(5).fill(before));
    expect(records.map((r) => r.metricCalls)).toEqual(new Array(5).fill(4 * 9 + 1));
    // The same method twice gives the same run: nothing carries over between methods.
    const [loss, es, , again, weighted] = records;
    expect({ ...again!, wallSeconds: 0, timings: null }).toEqual({ ...loss!, wallSeconds: 0, timings: null });
    expect(es!.after).not.toBe(loss!.after);
    expect(weighted!.metricSplitAfter).not.toBe(loss!.metricSplitAfter);
    expect(records.every((r) => typeof r.twinAfter === 'number' && typeof r.metricSplitAfter === 'number' && r.pretrainSeconds === 1.5)).toBe(true);
    const result = builder.build();
    expect(Object.keys(result.methods)).toEqual(['loss', 'es', 'metricopt', 'again', 'weighted']);
    expect(result.methods.metricopt!.runs[0]!.tauMean).not.toBeNull();
    tf.dispose([train, metric, twin, test].flatMap((s) => [s.x, s.y]));
    model.dispose();
  });

  it('journals a run per (method, seed, target): a second target is run, not taken from the first', async () => {
    const model = withHead(mlpBackbone({ inputDim: 4, hidden: [3], seed: 2 }).model, { units: 3, seed: 2 });
    const params = headParams(model);
    const [train, metric, test] = [blobs(1, 60), blobs(2, 30), blobs(4, 30)];
    const out = await mkdtemp(join(tmpdir(), 'runner-journal-'));
    const run = async (target: string, builder: ResultsBuilder) => {
      const journal = await RunJournal.open(out, { task: 't' });
      try {
        return await withRunJournal(journal, () => runMethods({
          seed: 1, model, params, metric: errorRate, methods: ['loss'], catalog,
          data: { train, metric }, evaluation: { test }, steps: 4, finetune: { observeEvery: 2 },
          extra: { target }, builder, reporter: silentReporter,
        }));
      } finally {
        await journal.close();
      }
    };
    const builder = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'error-rate', higherIsBetter: false } });
    const [a] = await run('a', builder);
    const [b] = await run('b', builder);
    expect(a!.target).toBe('a');
    expect(b!.target).toBe('b');
    // Again on target a: kept from the journal, equal to the first run.
    const [again] = await run('a', new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'error-rate', higherIsBetter: false } }));
    expect(again).toEqual(a);
    tf.dispose([train, metric, test].flatMap((s) => [s.x, s.y]));
    model.dispose();
  });

  it('rejects a method missing from the catalog before running anything', async () => {
    const model = withHead(mlpBackbone({ inputDim: 4, hidden: [3] }).model, { units: 3 });
    const s = blobs(1, 10);
    const builder = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'error-rate', higherIsBetter: false } });
    await expect(runMethods({
      seed: 1, model, params: headParams(model), metric: errorRate, methods: ['loss', 'magic'], catalog,
      data: { train: s, metric: s }, evaluation: { test: s }, steps: 5, builder, reporter: silentReporter,
    })).rejects.toThrow(/names among loss, again, es, metricopt, weighted, got "magic"/);
    expect(() => builder.build().methods).not.toThrow();
    tf.dispose([s.x, s.y]);
    model.dispose();
  });
});
