import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueFunction, finetuneValueOptions, loadValueFunction, readTrajectory, type ParamLayout } from '@metricopt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetaTrainSummary } from './meta-train.js';
import { captureCli } from './cli-capture.fixture.js';

const cli = (...argv: string[]) => captureCli(argv);

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-meta-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Another architecture than any synthetic source: two FiLM layers of 5 and 3 channels and a head. */
const target: ParamLayout = {
  size: 2 * 5 + 2 * 3 + 4,
  segments: [
    { name: 'a/s', kind: 'film-scale', layer: 'a', depth: 0.5, offset: 0, size: 5, shape: [5], scale: 1 },
    { name: 'a/b', kind: 'film-shift', layer: 'a', depth: 0.5, offset: 5, size: 5, shape: [5], scale: 1 },
    { name: 'b/s', kind: 'film-scale', layer: 'b', depth: 0.9, offset: 10, size: 3, shape: [3], scale: 1 },
    { name: 'b/b', kind: 'film-shift', layer: 'b', depth: 0.9, offset: 13, size: 3, shape: [3], scale: 1 },
    { name: 'h', kind: 'head-kernel', offset: 16, size: 4, shape: [4], scale: 0.5 },
  ],
};

describe('metricopt meta-train', () => {
  it('collects trajectories, trains and saves a set-encoder value function that loads as a GP prior; a rerun keeps the trajectories', async () => {
    const out = join(root, 'meta');
    const args = ['meta-train', '--tasks', 'synthetic', '--out', out, '--runs-per-task', '1', '--steps', '20', '--train-steps', '10', '--seed', '3', '--json'];
    const r = await cli(...args);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as MetaTrainSummary;
    expect(summary.trajectories.map((t) => t.status)).toEqual(['collected']);
    expect(summary.training).toMatchObject({ runs: 1, rounds: 2 });
    expect(summary.metric).toEqual({ name: 'balanced-error', higherIsBetter: false });
    expect((await readdir(out)).sort()).toEqual(['meta-train.json', 'metadata.json', 'model.json', 'trajectories', 'weights.bin']);
    const t = await readTrajectory(join(out, summary.trajectories[0]!.file));
    expect(t.header).toMatchObject({ task: 'synthetic', metric: summary.metric, settings: { seed: 3000, steps: 20 } });
    expect(t.rounds).toHaveLength(2);
    // The saved net loads for another architecture and is the GP's prior: it changes V's predictions.
    const metric = summary.metric;
    const loaded = await loadValueFunction(out, { layout: target, metric, ...finetuneValueOptions({}) });
    const fresh = new ValueFunction(finetuneValueOptions({}));
    const points = [0.1, -0.2, 0.3].map((v) => new Float32Array(target.size).fill(v));
    expect(Array.from(fresh.predict(points))).toEqual([0, 0, 0]);
    const prior = Array.from(loaded.predict(points));
    expect(prior).toEqual(Array.from(loaded.global!.predict(points)));
    expect(new Set(prior).size).toBe(3);
    loaded.dispose();
    await expect(loadValueFunction(out, { layout: target, metric: { name: 'error-rate', higherIsBetter: false } })).rejects.toThrow(/the value function saved in .*meta is refused/);

    const again = await cli(...args);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as MetaTrainSummary).trajectories.map((x) => x.status)).toEqual(['kept']);
    const info = JSON.parse(await readFile(join(out, 'meta-train.json'), 'utf8'));
    expect(info).toMatchObject({ format: 'metricopt-meta-train', version: 1, tasks: ['synthetic'], runsPerTask: 1, seed: 3 });

    // A bench with another metric refuses the saved value function.
    const refused = await cli('bench', 'synthetic', '--methods', 'metricopt', '--seeds', '1', '--steps', '10', '--metric', 'worst-class-error',
      '--pretrain-epochs', '0', '--head', '60', '--test-per-class', '10', '--value-function', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/'options.metric' passed to loadValueFunction must be the saved net's metric 'balanced-error' \(lower is better\) — the value function saved in .* is refused, got 'worst-class-error'/);
  }, 60_000);

  it('refuses unknown source tasks and missing flags as usage errors', async () => {
    const r = await cli('meta-train', '--tasks', 'synthetic,detection', '--out', join(root, 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/task 'detection' provides no trajectories; meta-training knows: synthetic, classification/);
    expect((await cli('meta-train', '--tasks', 'synthetic')).code).toBe(2);
  });
});
