import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, readTrajectory, trajectoryStatus, type ObservationRound, type ParamLayout } from '@metricopt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTrajectories, trajectoryFile } from './collect-trajectories.js';
import { silentReporter } from './reporter.js';
import type { TrajectorySource } from './trajectory-sources.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-collect-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const layout: ParamLayout = {
  size: 4,
  segments: [
    { name: 'f/scale', kind: 'film-scale', layer: 'f', offset: 0, size: 2, shape: [2], scale: 1 },
    { name: 'f/shift', kind: 'film-shift', layer: 'f', offset: 2, size: 2, shape: [2], scale: 1 },
  ],
};

/** A source without tensors: run i makes i + 2 rounds; `failAt` makes a run throw after that many rounds. */
function fakeSource(calls: string[], failAt: Record<string, number> = {}): TrajectorySource {
  return {
    task: 'fake',
    metric: { name: 'balanced-error', higherIsBetter: false },
    plan: (runs, seed) => Array.from({ length: runs }, (_, i) => ({ name: `run-${i}`, settings: { seed, i } })),
    collect: async (run, sink) => {
      calls.push(run.name);
      await sink.start({ dataset: 'toy', backbone: 'none', layout });
      const i = run.settings.i as number;
      for (let r = 0; r < i + 2; r++) {
        if (failAt[run.name] === r) throw new Error(`${run.name} stopped`);
        const m = 0.5 - 0.01 * r;
        const round: ObservationRound = {
          round: r, step: 10 * r, deltas: [new Float32Array(4).fill(r), new Float32Array(4).fill(r + 0.1), new Float32Array(4).fill(r - 0.1)],
          metrics: [m, m - 0.01, m + 0.01], scores: [-m, -(m - 0.01), -(m + 0.01)], wholeSplit: true,
        };
        sink.round(round);
      }
      return { done: run.name };
    },
  };
}

describe('collectTrajectories', () => {
  it('writes one complete file per planned run; a second collection keeps them all', async () => {
    const dir = join(root, 'a');
    const calls: string[] = [];
    const first = await collectTrajectories({ sources: [fakeSource(calls)], runsPerTask: 3, seed: 1, dir, reporter: silentReporter });
    expect(first.map((r) => r.status)).toEqual(['collected', 'collected', 'collected']);
    expect(calls).toEqual(['run-0', 'run-1', 'run-2']);
    const t = await readTrajectory(first[1]!.path);
    expect(t.header).toMatchObject({ run: 'fake-run-1', task: 'fake', dataset: 'toy', backbone: 'none', layout, settings: { seed: 1, i: 1 } });
    expect(t.rounds).toHaveLength(3);
    expect(t.summary).toEqual({ done: 'run-1' });
    const again = await collectTrajectories({ sources: [fakeSource(calls)], runsPerTask: 4, seed: 1, dir, reporter: silentReporter });
    expect(again.map((r) => r.status)).toEqual(['kept', 'kept', 'kept', 'collected']);
    expect(calls).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
    // Another seed is another plan: other files.
    expect(trajectoryFile(dir, 'fake', { name: 'run-0', settings: { seed: 2, i: 0 } })).not.toBe(first[0]!.path);
  });

  it('redoes a run left partial by an interrupted collection, and only that one', async () => {
    const dir = join(root, 'b');
    const calls: string[] = [];
    await expect(collectTrajectories({ sources: [fakeSource(calls, { 'run-1': 2 })], runsPerTask: 3, seed: 1, dir, reporter: silentReporter }))
      .rejects.toThrow(/run-1 stopped/);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    const partial = join(dir, files.find((f) => f.includes('run-1'))!);
    expect(await trajectoryStatus(partial)).toBe('partial');
    expect((await readFile(partial, 'utf8')).trim().split('\n')).toHaveLength(1 + 2);
    // A file cut short by hand (its end line gone) is partial too.
    const whole = join(dir, files.find((f) => f.includes('run-0'))!);
    const text = (await readFile(whole, 'utf8')).trim().split('\n');
    await writeFile(whole, `${text.slice(0, -1).join('\n')}\n`);
    calls.length = 0;
    const resumed = await collectTrajectories({ sources: [fakeSource(calls)], runsPerTask: 3, seed: 1, dir, reporter: silentReporter });
    expect(resumed.map((r) => r.status)).toEqual(['redone', 'redone', 'collected']);
    expect(calls).toEqual(['run-0', 'run-1', 'run-2']);
    expect((await readTrajectory(partial)).rounds).toHaveLength(3);
  });

  it('stops at a malformed file with a FormatError naming it, without overwriting it', async () => {
    const dir = join(root, 'c');
    const calls: string[] = [];
    const [run] = await collectTrajectories({ sources: [fakeSource(calls)], runsPerTask: 1, seed: 1, dir, reporter: silentReporter });
    await writeFile(run!.path, 'not json\n');
    const err = await collectTrajectories({ sources: [fakeSource(calls)], runsPerTask: 1, seed: 1, dir, reporter: silentReporter }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toContain(`${run!.path}: line 1: not valid JSON`);
    expect(await readFile(run!.path, 'utf8')).toBe('not json\n');
  });
});
