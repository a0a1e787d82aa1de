import { Writable } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@metricopt/core';
import { runCli, type CliIo } from './program.js';
import { registerTask } from './registry.js';
import { validateBenchResult } from './results.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr } as CliIo);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('metricopt CLI arguments', () => {
  it('an unknown task exits 2 and lists the known ones', async () => {
    const r = await cli('bench', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: unknown task 'nope'; known tasks: .*synthetic/);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['bench', 'synthetic', '--seeds', 'abc'], /--seeds/],
    [['bench', 'synthetic', '--seeds', '0'], /positive integer/],
    [['bench', 'synthetic', '--steps', '2.5'], /--steps/],
    [['bench', 'synthetic', '--methods', 'loss,bogus'], /unknown method 'bogus'.*known methods: loss, metricopt/],
    [['bench', 'synthetic', '--dataset', 'cifar'], /unknown dataset 'cifar'.*long-tailed, balanced/],
    [['bench', 'synthetic', '--metric', 'f1'], /unknown metric 'f1'.*balanced-error/],
    [['bench', 'synthetic', '--imbalance', 'lots'], /--imbalance expects a number/],
    [['bench', 'synthetic', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /Usage: metricopt/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--help exits 0 and shows the commands and the task options', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/bench/);
    expect(top.stdout).toMatch(/backend/);
    expect(top.stdout).toMatch(/demo/);
    const task = await cli('bench', 'synthetic', '--help');
    expect(task.code).toBe(0);
    expect(task.stdout).toMatch(/--imbalance <ratio>/);
    expect(task.stdout).toMatch(/--json/);
  });

  it('a MetricOptError from a task prints error: <message> and exits 1', async () => {
    registerTask({
      name: 'cli-failing',
      description: 'always fails',
      defaultMethods: ['loss'],
      options: [],
      run: async () => {
        throw new InvalidArgumentError('failingTask', 'data', 'something else', 'this');
      },
    });
    const r = await cli('bench', 'cli-failing', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: 'data' passed to failingTask must be something else, got this");
    expect(r.stdout).toBe('');
  });
});

describe('metricopt bench synthetic --json', () => {
  it('prints exactly one JSON object that validates against the schema, and writes results.json', async () => {
    const out = await mkdtemp(join(tmpdir(), 'metricopt-cli-'));
    try {
      const r = await cli(
        'bench', 'synthetic', '--steps', '20', '--seeds', '1', '--json', '--out', out,
        '--methods', 'loss,metricopt,es,weighted-ce', '--head', '300', '--test-per-class', '40', '--pretrain-epochs', '1', '--hidden', '16,16',
      );
      expect(r.stderr).not.toMatch(/^error:/m);
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      const results = validateBenchResult(JSON.parse(r.stdout));
      expect(results.task).toBe('synthetic');
      expect(results.dataset).toBe('long-tailed');
      expect(results.metric).toEqual({ name: 'balanced-error', higherIsBetter: false });
      expect(Object.keys(results.methods)).toEqual(['loss', 'metricopt', 'es', 'weighted-ce']);
      for (const m of Object.values(results.methods)) {
        const run = m.runs[0]!;
        expect(run.seed).toBe(1);
        expect(run.before).toBe(results.methods.loss!.runs[0]!.before);
        expect(run.metricCalls).toBeGreaterThan(0);
        expect(typeof run.twinAfter).toBe('number');
        expect(typeof run.metricSplitAfter).toBe('number');
      }
      expect(results.methods.metricopt!.runs[0]!.steps).toBe(20);
      expect(validateBenchResult(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')))).toEqual(results);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
