import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '../errors.js';
import type { ObservationRound } from '../observation.js';
import { Rng } from '../rng.js';
import { filmLayout, landscapeRounds } from './synthetic-rounds.js';
import {
  TrajectoryWriter, readTrajectory, trajectoryStatus, writeTrajectory, type TrajectoryHeaderInput,
} from './trajectory-store.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-traj-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const layout = filmLayout([{ layer: 'b1', channels: 3, depth: 0.5 }], 4);
const header: TrajectoryHeaderInput = {
  run: 'synthetic-0', task: 'synthetic', dataset: 'long-tailed', metric: { name: 'balanced-error', higherIsBetter: false },
  backbone: 'mlp 3', layout, settings: { mode: 'es', sigma: 0.1, seed: 1 },
};
/** Rounds of a lower-is-better metric: scores are the negated metrics, as finetune records them. */
function rounds(n: number, seed = 1): ObservationRound[] {
  const f = (x: ArrayLike<number>) => -Array.from(x).reduce((s, v) => s + v * v, 0);
  return landscapeRounds({ f, dim: layout.size, rounds: n, rng: new Rng(seed), sigma: 0.1, start: new Float32Array(layout.size).fill(0.3) }).map((r) => ({
    ...r, metrics: r.scores.map((s) => -s), wholeSplit: r.round % 2 === 0,
  }));
}

describe('trajectory store', () => {
  it('round-trips header, rounds (float32 δ exactly) and summary, streamed or written at once', async () => {
    const data = rounds(4);
    const streamed = join(root, 'streamed.jsonl');
    const writer = await TrajectoryWriter.create(streamed, header);
    // Appends made without awaiting each keep their order.
    await Promise.all(data.map((r) => writer.append(r)));
    expect(await trajectoryStatus(streamed)).toBe('partial');
    await writer.finish({ best: 0.25 });
    const atOnce = join(root, 'sub', 'at-once.jsonl');
    await writeTrajectory(atOnce, header, data, { best: 0.25 });
    for (const path of [streamed, atOnce]) {
      expect(await trajectoryStatus(path)).toBe('complete');
      const t = await readTrajectory(path);
      expect(t.header).toEqual({ format: 'metricopt-trajectory', version: 1, ...header });
      expect(t.summary).toEqual({ best: 0.25 });
      expect(t.rounds).toHaveLength(4);
      t.rounds.forEach((r, i) => {
        expect(r).toEqual({ ...data[i]!, deltas: data[i]!.deltas });
        r.deltas.forEach((d, j) => expect(Array.from(d)).toEqual(Array.from(data[i]!.deltas[j]!)));
      });
    }
    const text = await readFile(streamed, 'utf8');
    expect(text.split('\n')).toHaveLength(4 + 3);
    expect(JSON.parse(text.split('\n')[5]!)).toEqual({ end: true, rounds: 4, summary: { best: 0.25 } });
    expect(await readdir(join(root, 'sub'))).toEqual(['at-once.jsonl']);
  });

  it('tells missing, partial (interrupted) and complete files apart', async () => {
    const path = join(root, 'partial.jsonl');
    expect(await trajectoryStatus(path)).toBe('missing');
    await writeFile(path, '');
    expect(await trajectoryStatus(path)).toBe('partial');
    const writer = await TrajectoryWriter.create(path, header);
    await writer.append(rounds(1)[0]!);
    await writer.abort();
    expect(await trajectoryStatus(path)).toBe('partial');
    await expect(readTrajectory(path)).rejects.toThrow(/partial.jsonl: incomplete: no end line after 1 rounds/);
    // A torn last line (the write of a round cut short) is an interrupted run too.
    await writeFile(path, `${(await readFile(path, 'utf8'))}{"round":1,"step":10,"del`);
    expect(await trajectoryStatus(path)).toBe('partial');
    await writeFile(path, JSON.stringify({ format: 'metricopt-trajectory' }).slice(0, 10));
    expect(await trajectoryStatus(path)).toBe('partial');
    await expect(readTrajectory(path)).rejects.toThrow(/no whole header line/);
    // Creating again truncates: a redone run starts clean.
    const again = await TrajectoryWriter.create(path, header);
    await again.finish();
    expect((await readTrajectory(path)).rounds).toEqual([]);
  });

  it('malformed files are FormatErrors naming the file and line', async () => {
    const good = join(root, 'good.jsonl');
    await writeTrajectory(good, header, rounds(2));
    const lines = (await readFile(good, 'utf8')).split('\n');
    // Edits the round on line i + 1 as parsed JSON.
    const edit = (i: number, change: (r: any) => void) => (l: string[]) => {
      const r = JSON.parse(l[i]!);
      change(r);
      l[i] = JSON.stringify(r);
    };
    const cases: [string, (l: string[]) => void, RegExp][] = [
      ['bad-json', (l) => (l[1] = '{"round": 0,'), /bad-json.jsonl: line 2: not valid JSON/],
      ['not-trajectory', (l) => (l[0] = '{"format":"metricopt-value-function"}'), /line 1: not a trajectory header/],
      ['version', (l) => (l[0] = l[0]!.replace('"version":1', '"version":7')), /line 1: trajectory format version 7 is not supported \(this version reads 1\)/],
      ['no-metric', (l) => (l[0] = l[0]!.replace('"higherIsBetter":false', '"higherIsBetter":"no"')), /line 1: 'header.metric'/],
      ['bad-layout', (l) => (l[0] = l[0]!.replace('"size":10', '"size":11')), /line 1: 'header.layout.size' .* must be the total size of its segments \(10\), got 11/],
      ['wrong-size', edit(2, (r) => r.deltas.forEach((d: number[]) => d.push(0))), /line 3: points must have the layout's size 10, got 11/],
      ['bad-scores', edit(2, (r) => (r.scores[1] += 1)), /line 3: scores must be the metrics, negated \(lower is better\)/],
      ['uneven', edit(1, (r) => r.metrics.pop()), /line 2: .*9 deltas, 8 metrics, 9 scores/],
      ['string-delta', edit(2, (r) => (r.deltas[0][0] = 'x')), /line 3: deltas must be arrays of numbers/],
      ['end-count', (l) => (l[3] = '{"end":true,"rounds":5}'), /line 4: the end line must be \{"end": true, "rounds": 2\}/],
      ['after-end', (l) => l.splice(4, 0, l[1]!), /line 5: nothing may follow the end line/],
    ];
    for (const [name, edit, pattern] of cases) {
      const copy = lines.slice();
      edit(copy);
      const path = join(root, `${name}.jsonl`);
      await writeFile(path, copy.join('\n'));
      const err = await readTrajectory(path).then(() => null, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(FormatError);
      expect((err as Error).message, name).toMatch(pattern);
      // A resumed collection does not overwrite such a file either.
      await expect(trajectoryStatus(path), name).rejects.toBeInstanceOf(FormatError);
    }
    await expect(readTrajectory(join(root, 'absent.jsonl'))).rejects.toThrow(/absent.jsonl: missing/);
  });

  it('refuses bad arguments naming them', async () => {
    await expect(TrajectoryWriter.create(join(root, 'x.jsonl'), { ...header, task: '' })).rejects.toThrow(/'header.task' passed to TrajectoryWriter.create must be a non-empty string/);
    const writer = await TrajectoryWriter.create(join(root, 'y.jsonl'), header);
    const r = rounds(1)[0]!;
    await expect(writer.append({ ...r, deltas: [new Float32Array(3)] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(writer.append({ ...r, deltas: [Float32Array.from({ length: 10 }, () => Number.NaN)] })).rejects.toThrow(/finite points/);
    await writer.finish();
    await expect(writer.append(r)).rejects.toThrow(/an open writer/);
  });
});
