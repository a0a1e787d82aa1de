import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@metricopt/core';
import { captureCli } from './cli-capture.fixture.js';
import { registerTask } from './registry.js';
import { validateBenchResult } from './results.js';

const cli = (...argv: string[]) => captureCli(argv);

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
      expect(typeof results.backend).toBe('string');
      expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/<svg[\s\S]*weighted-ce/);
      expect(await readdir(join(out, 'charts'))).toContain('synthetic-final.png');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
    // a small bench plus the report (vega and sharp load on first use): seconds on a busy 2-core machine
  }, 60_000);
});

describe('metricopt eval', () => {
  async function files(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'eval-cli-'));
    const { writeFile } = await import('node:fs/promises');
    // Five 2-d embeddings, labels 0,0,1,1,0; row 4 = [1,1] ties rows 1 and 3, then rows 0 and 2.
    await writeFile(join(dir, 'e.f32'), Buffer.from(Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, 1, 1]).buffer));
    await writeFile(join(dir, 'l.i32'), Buffer.from(Int32Array.from([0, 0, 1, 1, 0]).buffer));
    await writeFile(join(dir, 'gt.json'), JSON.stringify({
      images: [{ id: 1, width: 100, height: 100 }], categories: [{ id: 7, name: 'a' }],
      annotations: [{ id: 1, image_id: 1, category_id: 7, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 },
        { id: 2, image_id: 1, category_id: 7, bbox: [50, 50, 20, 20], area: 400, iscrowd: 0 }],
    }));
    // One exact hit and one miss: recall 1/2 at every IoU threshold, precision 1 up to it.
    await writeFile(join(dir, 'dt.json'), JSON.stringify([{ image_id: 1, category_id: 7, bbox: [10, 10, 20, 20], score: 0.9 }]));
    return dir;
  }

  it('eval retrieval --json prints the hand-computed metrics', async () => {
    const dir = await files();
    const r = await cli('eval', 'retrieval', '--embeddings', join(dir, 'e.f32'), '--labels', join(dir, 'l.i32'), '--dim', '2', '--k', '1,2', '--json');
    expect(r.code).toBe(0);
    // Query 4 ranks 1,3,0,2 (ties to the lower index): AP@R = (1 + 0)/2; every other query is perfect.
    expect(JSON.parse(r.stdout)).toEqual({ recallAtK: { '1': 1, '2': 1 }, mapAtR: 0.9, rPrecision: 0.9, queries: 5, excluded: 0 });
    await rm(dir, { recursive: true });
  });

  it('eval detection --json prints 12 stats and per-category AP', async () => {
    const dir = await files();
    const r = await cli('eval', 'detection', '--gt', join(dir, 'gt.json'), '--dt', join(dir, 'dt.json'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { stats: number[]; perCategory: Record<string, number> };
    expect(out.stats).toHaveLength(12);
    // 101-point interpolated precision: 1 for recall ≤ 0.5 (51 points), 0 after → AP = 51/101.
    expect(out.stats[0]).toBeCloseTo(51 / 101, 12);
    expect(out.stats[8]).toBeCloseTo(0.5, 12);
    expect(Object.keys(out.perCategory)).toEqual(['7']);
    await rm(dir, { recursive: true });
  });

  it('bad eval input exits 1 naming the file, bad flags exit 2', async () => {
    const dir = await files();
    const bad = await cli('eval', 'retrieval', '--embeddings', join(dir, 'e.f32'), '--labels', join(dir, 'l.i32'), '--dim', '3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/e\.f32: expected raw float32 rows of dim 3/);
    const flag = await cli('eval', 'retrieval', '--embeddings', 'x', '--labels', 'y', '--dim', '0');
    expect(flag.code).toBe(2);
    const missing = await cli('eval', 'detection', '--gt', join(dir, 'none.json'), '--dt', join(dir, 'dt.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/none\.json/);
    await rm(dir, { recursive: true });
  });
});
