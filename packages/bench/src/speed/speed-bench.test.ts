import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, InvalidArgumentError, initBackend } from '@metricopt/core';
import { captureCli } from '../cli-capture.fixture.js';
import type { BenchTask } from '../registry.js';
import { silentReporter } from '../reporter.js';
import { ResultsBuilder } from '../results.js';
import { runSpeedBench } from './speed-bench.js';
import { formatSpeedResult } from './speed-format.js';
import { SPEED_MODELS } from './speed-models.js';
import { DEFAULT_PYTHON, TorchReference } from './torch-reference.js';

// A task whose finetunes "took" fixed times: the overhead rows are plain arithmetic on them.
const stubRuns: number[] = [];
const stubTask: BenchTask = {
  name: 'stub',
  description: 'fixed timings',
  defaultMethods: ['loss', 'metricopt'],
  options: [],
  demo: { dataset: 'tiny', steps: 5 },
  run: async (config) => {
    const b = new ResultsBuilder({ task: 'stub', dataset: config.dataset, metric: { name: 'm', higherIsBetter: true } });
    const timings = (metric: number, value: number) => ({ metricSeconds: metric, valueSeconds: value, trunkSeconds: 0 });
    stubRuns.push(config.seeds.length);
    for (const seed of config.seeds) {
      b.addRun('loss', { seed, before: 0, after: 0, steps: config.steps!, metricCalls: 2, wallSeconds: 2, timings: timings(0.5, 0) });
      b.addRun('metricopt', { seed, before: 0, after: 0, steps: config.steps!, metricCalls: 20, wallSeconds: 5, timings: timings(2, 1) });
    }
    return b.build();
  },
};

function torchImports(): boolean {
  try {
    execFileSync(DEFAULT_PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'speed-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runSpeedBench', () => {
  it('times the tfjs steps, leaves PyTorch out on request, and computes the overhead per task', async () => {
    const result = await runSpeedBench({
      models: ['mlp'], seconds: 0.001, repeats: 2, python: false,
      tasks: [stubTask], overheadSteps: 3, overheadSeeds: 2, backend: tf.getBackend(), reporter: silentReporter,
    });
    expect(result.torch).toEqual({ available: false, reason: 'left out (--no-torch)' });
    expect(result.tfjs.threads).toBe(1);
    const [row] = result.throughput;
    expect(result.throughput).toHaveLength(1);
    expect(row).toMatchObject({ model: 'mlp', runtime: 'tfjs', label: `tfjs ${tf.getBackend()}`, threads: 1 });
    expect(row!.runs).toHaveLength(2);
    for (const run of row!.runs) {
      expect(run.steps).toBeGreaterThanOrEqual(1);
      expect(Number.isFinite(run.loss)).toBe(true);
    }
    const rates = row!.runs.map((r) => r.steps / r.wallSeconds);
    expect(row!.stepsPerSecond).toBeCloseTo((rates[0]! + rates[1]!) / 2, 6);
    expect(result.ratios).toEqual([]);
    expect(stubRuns).toEqual([1, 2]); // a one-seed warm-up, then the timed run
    expect(result.overhead).toEqual([{
      task: 'stub', dataset: 'tiny', steps: 3, seeds: 2,
      loss: { wallSeconds: 4, metricSeconds: 1, valueSeconds: 0, metricCalls: 4, steps: 6 },
      metricopt: { wallSeconds: 10, metricSeconds: 4, valueSeconds: 2, metricCalls: 40, steps: 6 },
      ratio: 2.5, ratioWithoutMetric: 2,
    }]);
    const text = formatSpeedResult(result);
    expect(text).toMatch(/mlp\s+tfjs \w+\s+1\s+\d/);
    expect(text).toMatch(/PyTorch: left out/);
    expect(text).toMatch(/stub\s+tiny\s+4\.00\s+10\.00\s+2\.50x/);
    expect(tf.memory().numTensors).toBe(0);
  }, 30_000);

  it('rejects bad settings naming them', async () => {
    const base = { models: ['mlp'] as const, seconds: 1, repeats: 1, python: false as const, tasks: [], overheadSteps: 1, backend: 'cpu', reporter: silentReporter };
    await expect(runSpeedBench({ ...base, repeats: 0 })).rejects.toThrow(/options\.repeats/);
    await expect(runSpeedBench({ ...base, seconds: 0 })).rejects.toThrow(InvalidArgumentError);
  });
});

describe('TorchReference', () => {
  it('speaks the JSON-lines protocol (a stand-in script run by node)', async () => {
    const script = join(dir, 'fake.cjs');
    await writeFile(script, `
      require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
        const r = JSON.parse(line);
        const reply = r.op === 'info' ? { ok: true, torch: '9.9', defaultThreads: 4, python: '3', mkldnn: false }
          : r.op === 'run' && r.model === 'mlp' ? { ok: true, steps: 7, wallSeconds: 1, cpuSeconds: 0.5, firstStepSeconds: 0.1, loss: 2, threads: r.threads }
          : { ok: false, error: 'no ' + r.model };
        console.log(JSON.stringify(reply));
      });`);
    const { reference, reason } = await TorchReference.start(process.execPath, { script });
    expect(reason).toBeUndefined();
    expect(reference!.info).toMatchObject({ torch: '9.9', defaultThreads: 4 });
    expect(await reference!.run('mlp', { seconds: 1, threads: 3 })).toEqual({ steps: 7, wallSeconds: 1, cpuSeconds: 0.5, firstStepSeconds: 0.1, loss: 2, threads: 3 });
    await expect(reference!.run('cnn', { seconds: 1, threads: 1 })).rejects.toThrow(BackendError);
    reference!.close();
  });

  it('says why when Python or its torch is missing', async () => {
    expect((await TorchReference.start(join(dir, 'no-python'))).reason).toMatch(/no-python not found/);
    const script = join(dir, 'no-torch.cjs');
    await writeFile(script, `console.log(JSON.stringify({ ok: false, error: 'cannot import torch: No module named torch' }))`);
    expect((await TorchReference.start(process.execPath, { script })).reason).toMatch(/cannot import torch/);
  });

  it.skipIf(!torchImports())('builds the same layers as the tfjs models (parameter sizes in order) and times a step', async () => {
    const { reference } = await TorchReference.start();
    try {
      for (const name of ['cnn', 'mlp'] as const) {
        const model = SPEED_MODELS[name].build(1);
        const sizes = (shapes: number[][]) => shapes.map((s) => s.reduce((a, b) => a * b, 1));
        expect(sizes(await reference!.shapes(name))).toEqual(sizes(model.weights.map((w) => w.shape as number[])));
        model.dispose();
      }
      const run = await reference!.run('mlp', { seconds: 0.001, threads: 1, minSteps: 2 });
      expect(run.steps).toBeGreaterThanOrEqual(2);
      expect(run.threads).toBe(1);
    } finally {
      reference?.close();
    }
  }, 60_000);
});

describe('the speed models', () => {
  it('are core smallCnn / mlpBackbone with a 10-unit head (the layer list the PyTorch script mirrors)', () => {
    const cnn = SPEED_MODELS.cnn.build(1);
    expect(cnn.weights.map((w) => w.shape)).toEqual([
      [3, 3, 1, 16], [16], [16], [16], [3, 3, 16, 32], [32], [32], [32], [6272, 64], [64], [64], [64], [64, 10], [10],
    ]);
    expect(cnn.countParams()).toBe(407_146);
    const mlp = SPEED_MODELS.mlp.build(1);
    expect(mlp.weights.map((w) => w.shape)).toEqual([[784, 256], [256], [256], [256], [256, 256], [256], [256], [256], [256, 10], [10]]);
    cnn.dispose();
    mlp.dispose();
  });
});

describe('metricopt bench speed', () => {
  const cli = (...argv: string[]) => captureCli(argv);

  it('prints one JSON object and writes speed.json', async () => {
    const out = join(dir, 'out');
    const r = await cli('bench', 'speed', '--models', 'mlp', '--seconds', '0.01', '--repeats', '1', '--no-torch', '--tasks', 'none', '--json', '--out', out);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { task: string; throughput: Array<{ runtime: string; runs: unknown[] }>; overhead: unknown[] };
    expect(result.task).toBe('speed');
    expect(result.throughput.map((t) => [t.runtime, t.runs.length])).toEqual([['tfjs', 1]]);
    expect(result.overhead).toEqual([]);
    expect(JSON.parse(await readFile(join(out, 'speed.json'), 'utf8'))).toEqual(result);
  });

  it.each([
    [['--models', 'resnet'], /unknown model 'resnet'/],
    [['--tasks', 'nope'], /unknown task 'nope' for --tasks/],
    [['--seconds', '-1'], /positive number/],
  ])('%j exits 2', async (flags, message) => {
    const r = await cli('bench', 'speed', '--no-torch', ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
