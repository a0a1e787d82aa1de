import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '../errors.js';
import { finetune } from '../finetune.js';
import { tinyOptions } from '../finetune-problem.fixture.js';
import { defineMetric } from '../metric.js';
import { Rng } from '../rng.js';
import { GlobalValueNet } from './global-value-net.js';
import { checkValueFunction, finetuneValueOptions, loadValueFunction } from './load-value-function.js';
import { LAYOUTS, runs } from './meta-train.fixture.js';
import { metaTrainValueNet } from './meta-train.js';
import { MlpEncoder } from './mlp-encoder.js';
import { readTrajectory, writeTrajectory } from './trajectory-store.js';
import { ValueFunction } from './value-function.js';

let root = '';
let dir = '';
const metric = { name: 'balanced-error', higherIsBetter: false };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-loadvf-'));
  dir = join(root, 'meta');
  // End to end: trajectories to disk and back, meta-trained on two architectures, saved.
  const files: string[] = [];
  for (const t of [...runs(LAYOUTS[0]!, 2, 1), ...runs(LAYOUTS[1]!, 2, 2)]) {
    const path = join(root, 'trajectories', `${t.header.run}.jsonl`);
    const { format: _f, version: _v, ...header } = t.header;
    await writeTrajectory(path, header, t.rounds);
    files.push(path);
  }
  const { net } = metaTrainValueNet(await Promise.all(files.map(readTrajectory)), { seed: 2, steps: 60, tokenHidden: [8], headHidden: [8], learningRate: 1e-2 });
  await net.save(dir);
  net.dispose();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadValueFunction', () => {
  it('gives a GP whose prior mean is the saved net (on an unseen architecture); the GP still learns online', async () => {
    const layout = LAYOUTS[2]!;
    const rounds = runs(layout, 1, 7)[0]!.rounds;
    const loaded = await loadValueFunction(dir, { layout, metric, ...finetuneValueOptions({ warmupRounds: 1 }) });
    const fresh = new ValueFunction(finetuneValueOptions({ warmupRounds: 1 }));
    expect(loaded.global).toBeInstanceOf(GlobalValueNet);
    expect(loaded.global!.layout).toBe(layout);
    expect(loaded.gate.warmupRounds).toBe(1);
    const points = rounds[5]!.deltas;
    // Before any round: the fresh GP predicts 0 everywhere, the loaded one its prior.
    const prior = loaded.global!.predict(points);
    expect(Array.from(fresh.predict(points))).toEqual(points.map(() => 0));
    expect(Array.from(loaded.predict(points))).toEqual(Array.from(prior));
    expect(new Set(prior).size).toBeGreaterThan(1);
    // After the same rounds the two still predict differently, and the loaded one is no longer its prior alone.
    for (const r of rounds.slice(0, 5)) {
      loaded.addRound(r);
      fresh.addRound(r);
    }
    const a = loaded.predict(points);
    const b = fresh.predict(points);
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeGreaterThan(1e-6);
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - prior[i]!)))).toBeGreaterThan(1e-6);
    loaded.dispose();
  });

  it('finetune({ valueFunction }) runs with a loaded prior: same budget, no leaked tensors', async () => {
    const balancedError = defineMetric({ ...metric, evaluate: (out, t) => tf.tidy(() => tf.mean(tf.cast(tf.notEqual(tf.argMax(out, 1), t), 'float32')).dataSync()[0]!) });
    const o = tinyOptions(balancedError, { mode: 'loss+value' });
    const valueFunction = await loadValueFunction(dir, { layout: o.params.layout, metric: balancedError, ...finetuneValueOptions({}) });
    const before = tf.memory().numTensors;
    // finetune owns (and frees) its default optimizer; a given one keeps its Adam slots.
    const run = await finetune({ ...o, optimizer: undefined, valueFunction });
    expect(run.metricCalls).toBe(4 * 9 + 1);
    expect(valueFunction.rounds).toBe(4);
    expect(run.tauMean).toEqual(expect.any(Number));
    expect(tf.memory().numTensors).toBe(before);
    valueFunction.dispose();
    o.model.dispose();
    (o.optimizer as tf.Optimizer).dispose();
  });

  it('refuses another metric or a layout the net cannot read, naming the directory; broken files are FormatErrors', async () => {
    const refused = async (options: Parameters<typeof loadValueFunction>[1], pattern: RegExp, where = dir) => {
      const err = await loadValueFunction(where, options).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toMatch(pattern);
    };
    const layout = LAYOUTS[1]!;
    const before = tf.memory().numTensors;
    await refused({ layout, metric: { name: 'error-rate', higherIsBetter: false } },
      /'options.metric' passed to loadValueFunction must be the saved net's metric 'balanced-error' \(lower is better\) — the value function saved in .*meta is refused, got 'error-rate'/);
    await refused({ layout, metric: { name: 'balanced-error', higherIsBetter: true } }, /got 'balanced-error' \(higher is better\)/);
    const headOnly = { size: 3, segments: [{ name: 'k', kind: 'head-kernel' as const, offset: 0, size: 3, shape: [3], scale: 1 }] };
    await refused({ layout: headOnly, metric }, /'options.layout' passed to loadValueFunction must be a layout with FiLM segments .* — the value function saved in .*meta is refused, got segments of kinds head-kernel/);
    await refused({ layout: undefined as never, metric }, /'options.layout' passed to loadValueFunction must be the run's ParamLayout/);
    await refused({ layout, metric: undefined as never }, /'options.metric' passed to loadValueFunction must be the run's metric/);
    // An mlp net reads only its own layout.
    const mlp = new GlobalValueNet({ encoder: new MlpEncoder({ layout: LAYOUTS[0]!, hidden: [4], rng: new Rng(1) }), metric });
    const mlpDir = join(root, 'mlp');
    await mlp.save(mlpDir);
    mlp.dispose();
    await refused({ layout, metric }, /'options.layout' passed to loadValueFunction must be the saved mlp net's layout \(size 13\) — the value function saved in .*mlp is refused, got size 19/, mlpDir);
    (await loadValueFunction(mlpDir, { layout: LAYOUTS[0]!, metric })).dispose();
    await expect(loadValueFunction(join(root, 'none'), { layout, metric })).rejects.toBeInstanceOf(FormatError);
    // The same checks up front, keeping nothing.
    await checkValueFunction(dir, { metric });
    await checkValueFunction(dir, { metric, layout: LAYOUTS[2]! });
    await expect(checkValueFunction(dir, { metric: { name: 'error-rate', higherIsBetter: false } }))
      .rejects.toThrow(/'options.metric' passed to checkValueFunction must be the saved net's metric 'balanced-error' \(lower is better\) — the value function saved in .*meta is refused/);
    await expect(checkValueFunction(mlpDir, { metric, layout })).rejects.toThrow(/saved mlp net's layout/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
