import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, FormatError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from './results.js';
import { RunJournal, currentRunJournal, withRunJournal } from './run-journal.js';

const record: RunRecord = { seed: 1, before: 0.3, after: 0.25, steps: 10, metricCalls: 19, wallSeconds: 1.5, curve: [0.3, 0.1 + 0.2] };

describe('RunJournal', () => {
  it('keeps finished runs across opens with the same settings, and only those', async () => {
    const out = await mkdtemp(join(tmpdir(), 'journal-'));
    const a = await RunJournal.open(out, { task: 't', steps: 10 });
    expect(await a.get('metricopt', 1)).toBeNull();
    await a.put('metricopt', 1, record);
    await a.close();
    const b = await RunJournal.open(out, { steps: 10, task: 't' });
    // Doubles survive exactly (0.1 + 0.2 is not 0.3).
    expect(await b.get('metricopt', 1)).toEqual(record);
    expect(await b.get('metricopt', 2)).toBeNull();
    await b.close();
    const c = await RunJournal.open(out, { task: 't', steps: 20 });
    expect(await c.get('metricopt', 1)).toBeNull();
    await c.close();
    expect(await readdir(join(out, 'runs'))).toEqual(['metricopt-seed1.json']);
  });

  it('refuses a second bench on the same directory and names a corrupt run file', async () => {
    const out = await mkdtemp(join(tmpdir(), 'journal-'));
    const a = await RunJournal.open(out, {});
    await expect(RunJournal.open(out, {})).rejects.toBeInstanceOf(CheckpointError);
    await writeFile(a.path('loss', 3), '{"format": "metricopt-bench-run", "vers');
    const err = await a.get('loss', 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect(String(err)).toContain('loss-seed3.json: not valid JSON');
    await writeFile(a.path('loss', 4), JSON.stringify({ format: 'metricopt-bench-run', version: 1, fingerprint: '{}', method: 'loss', seed: 4, record: { seed: 4 } }));
    await expect(a.get('loss', 4)).rejects.toThrow(/loss-seed4.json: record\.before/);
    await a.close();
  });

  it('is the current journal inside withRunJournal only', async () => {
    const out = await mkdtemp(join(tmpdir(), 'journal-'));
    const j = await RunJournal.open(out, {});
    expect(await withRunJournal(j, async () => currentRunJournal())).toBe(j);
    expect(currentRunJournal()).toBeUndefined();
    await j.close();
  });
});
