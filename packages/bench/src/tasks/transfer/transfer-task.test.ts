import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GlobalValueNet, Rng, SetEncoder, combineViews, filmAdapters, headParams, initBackend, type ParamLayout, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../../cli-capture.fixture.js';
import { silentReporter } from '../../reporter.js';
import { validateBenchResult } from '../../results.js';
import type { BenchConfig } from '../../registry.js';
import { pretrainCrossEntropy } from '../synthetic/pretrain.js';
import { DEFAULT_MIXTURE, makeMixture, type LabelledSamples } from '../synthetic/gaussian-mixture.js';
import { balancedErrorMetric } from '@metricopt/classification';
import { makeSyntheticSplits } from '../synthetic/synthetic-splits.js';
import { DEFAULT_TRANSFER_SETTINGS, metaTrainedValueFunction, runTransfer } from './transfer-task.js';
import type { TransferTarget } from './transfer-targets.js';

const cli = (...argv: string[]) => captureCli(argv);

let root = '';
beforeAll(async () => {
  await initBackend();
  root = await mkdtemp(join(tmpdir(), 'metricopt-transfer-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An (untrained) set-encoder net saved for `metric`: enough for the wiring, which is what this tests. */
async function savedNet(dir: string, metric: { name: string; higherIsBetter: boolean }): Promise<string> {
  const layout: ParamLayout = {
    size: 4,
    segments: [
      { name: 's', kind: 'film-scale', layer: 'l', offset: 0, size: 2, shape: [2], scale: 1 },
      { name: 'b', kind: 'film-shift', layer: 'l', offset: 2, size: 2, shape: [2], scale: 1 },
    ],
  };
  const net = new GlobalValueNet({ encoder: new SetEncoder({ layout, tokenHidden: [4], headHidden: [4], rng: new Rng(1) }), metric, calibration: 0.01, inputScale: 0.1 });
  await net.save(dir);
  net.dispose();
  return dir;
}

/** A small target: a 3-class long-tailed mixture, an MLP with 8 units, one pretraining epoch. */
function tinyTarget(name: string): TransferTarget {
  return {
    name,
    shift: 'dataset',
    description: 'tiny',
    prepare: async (seed) => {
      const mixture = makeMixture({ ...DEFAULT_MIXTURE, numClasses: 3, dim: 4, geometrySeed: name.length });
      const splits = makeSyntheticSplits(mixture, { head: 120, imbalance: 0.3, metricFraction: 0.3, testPerClass: 30 }, seed);
      const backbone = mlpBackbone({ inputDim: 4, hidden: [8], seed });
      const model = withHead(backbone.model, { units: 3, seed });
      await pretrainCrossEntropy(model, splits.train, { epochs: 1, batchSize: 32, learningRate: 1e-2, seed });
      const split = (s: LabelledSamples): Split => ({ x: tf.tensor2d(s.x, [s.n, s.dim]), y: tf.tensor1d(s.y, 'int32') });
      const data = { train: split(splits.train), metricSplit: split(splits.metric), twin: split(splits.twin), test: split(splits.test) };
      return {
        model, params: combineViews(headParams(model), filmAdapters(model, { layers: backbone.filmPoints })), metric: balancedErrorMetric, ...data,
        dataset: name, backbone: 'mlp 8',
        dispose: () => {
          model.dispose();
          tf.dispose(Object.values(data).flatMap((d) => [d.x, d.y]));
        },
      };
    },
  };
}

describe('metricopt bench transfer', () => {
  it('runs loss, fresh and meta-trained on every target and seed; every run has its target and steps to target', async () => {
    const dir = await savedNet(join(root, 'net'), { name: 'balanced-error', higherIsBetter: false });
    const config: BenchConfig = {
      task: 'transfer', dataset: 'embedded', methods: ['loss', 'fresh', 'meta-trained'], seeds: [1, 2], steps: 20, options: {}, valueFunction: dir,
    };
    const result = await runTransfer(config, silentReporter, [tinyTarget('tiny-a'), tinyTarget('tiny-b')]);
    validateBenchResult(result);
    expect(result).toMatchObject({ task: 'transfer', dataset: 'tiny-a, tiny-b', baseline: 'fresh', metric: { name: 'balanced-error', higherIsBetter: false } });
    expect(Object.keys(result.methods)).toEqual(['loss', 'fresh', 'meta-trained']);
    expect(result.settings).toMatchObject({ valueFunction: dir, targets: ['tiny-a', 'tiny-b'], steps: 20, seeds: [1, 2] });
    for (const target of ['tiny-a', 'tiny-b']) {
      for (const seed of [1, 2]) {
        const of = (m: string) => result.methods[m]!.runs.find((r) => r.seed === seed && r.target === target)!;
        const loss = of('loss');
        for (const m of ['loss', 'fresh', 'meta-trained']) {
          const run = of(m);
          expect(run).toMatchObject({ shift: 'dataset', targetMetric: loss.metricSplitAfter, metricCalls: 19 });
          // By hand: the first round whose centre reached loss-only's final metric-split value, else the budget.
          const curve = run.curve as { step: number; metric: number }[];
          const first = curve.find((p) => p.metric <= loss.metricSplitAfter!);
          expect(run.stepsToTarget).toBe(first === undefined ? 20 : first.step);
        }
        // Loss-only reaches its own final metric no later than the round it was selected from.
        expect(loss.stepsToTarget).toBeLessThanOrEqual(loss.bestStep as number);
      }
    }
    // Without loss in --methods it still runs (it sets the target) but is not reported.
    const two = await runTransfer({ ...config, methods: ['fresh'], seeds: [1] }, silentReporter, [tinyTarget('tiny-a')]);
    expect(Object.keys(two.methods)).toEqual(['fresh']);
    expect(two.methods.fresh!.runs[0]!.stepsToTarget).toBe(result.methods.fresh!.runs.find((r) => r.seed === 1 && r.target === 'tiny-a')!.stepsToTarget);
  }, 60_000);

  it('the CLI refuses a value function for another metric before any work, and unknown targets', async () => {
    const dir = await savedNet(join(root, 'other-metric'), { name: 'error-rate', higherIsBetter: false });
    const r = await cli('bench', 'transfer', '--seeds', '1', '--steps', '10', '--value-function', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/pretrain/);
    expect(r.stderr).toMatch(/must be the saved net's metric 'error-rate' \(lower is better\) — the value function saved in .*other-metric is refused, got 'balanced-error'/);
    const bad = await cli('bench', 'transfer', '--targets', 'imagenet');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown target 'imagenet' for task 'transfer'; known: fashion-mlp, fashion-cnn, mixture-deep/);
  }, 60_000);

  it('meta-trains once per settings into the cache and reuses it', async () => {
    const settings = { ...DEFAULT_TRANSFER_SETTINGS, sourceRuns: 1, sourceSteps: 10, trainSteps: 3 };
    const first = await metaTrainedValueFunction(settings, silentReporter, join(root, 'cache'));
    expect(first.cached).toBe(false);
    const second = await metaTrainedValueFunction(settings, silentReporter, join(root, 'cache'));
    expect(second).toMatchObject({ dir: first.dir, cached: true });
    expect(first.info).toMatchObject({ tasks: ['synthetic'], runsPerTask: 1 });
  }, 60_000);
});
