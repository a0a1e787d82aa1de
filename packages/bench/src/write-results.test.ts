import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { FormatError } from '@metricopt/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ResultsBuilder, validateBenchResult } from './results.js';
import { writeResultsJson } from './write-results.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeResultsJson', () => {
  it('writes results.json into a new directory, leaving no temporary file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'metricopt-results-'));
    dirs.push(root);
    const results = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'm', higherIsBetter: true } })
      .addRun('loss', { seed: 1, before: 0.5, after: 0.6, steps: 10, metricCalls: 9, wallSeconds: 0.1 })
      .build();
    const path = await writeResultsJson(join(root, 'a', 'b'), results);
    expect(path).toBe(join(root, 'a', 'b', 'results.json'));
    expect(validateBenchResult(JSON.parse(await readFile(path, 'utf8')))).toEqual(results);
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['results.json']);
  });

  it('refuses a results.json that is a symbolic link out of the directory, leaving its target untouched', async () => {
    const root = await mkdtemp(join(tmpdir(), 'metricopt-results-'));
    dirs.push(root);
    await mkdir(join(root, 'out'));
    await writeFile(join(root, 'victim.json'), 'untouched');
    await symlink(join(root, 'victim.json'), join(root, 'out', 'results.json'));
    const results = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'm', higherIsBetter: true } })
      .addRun('loss', { seed: 1, before: 0.5, after: 0.6, steps: 10, metricCalls: 9, wallSeconds: 0.1 })
      .build();
    const err = await writeResultsJson(join(root, 'out'), results).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toContain('(the output directory): results.json: "results.json" leads through a symbolic link');
    expect(await readFile(join(root, 'victim.json'), 'utf8')).toBe('untouched');
  });
});
