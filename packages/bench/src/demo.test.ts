import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';
import type { CliIo } from './program.js';
import { registerTask, type BenchConfig } from './registry.js';
import { handResult } from './report/hand-result.fixture.js';
import { validateBenchResult } from './results.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function capture(): PassThrough & { text: () => string } {
  const chunks: string[] = [];
  const s = new PassThrough() as PassThrough & { text: () => string };
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  s.text = () => chunks.join('');
  return s;
}

// Two instant fake tasks stand in for the real ones (this file's registry holds only these).
const seen: BenchConfig[] = [];
for (const name of ['alpha', 'beta']) {
  registerTask({
    name,
    description: `fake ${name}`,
    defaultMethods: ['loss', 'metricopt'],
    options: [],
    demo: { seeds: [1, 2], steps: 5 },
    run: async (config) => {
      seen.push(config);
      return { ...handResult({ curves: name === 'alpha' }), task: name };
    },
  });
}

describe('runDemo', () => {
  it('prints each table with its paired comparison and writes per-task results and reports plus one combined page', async () => {
    const root = await mkdtemp(join(tmpdir(), 'metricopt-demo-'));
    dirs.push(root);
    const stdout = capture();
    const stderr = capture();
    const all = await runDemo({ stdout, stderr } as unknown as CliIo, root, { backend: 'cpu' });
    expect(all.map((r) => [r.task, r.backend])).toEqual([
      ['alpha', 'cpu'],
      ['beta', 'cpu'],
    ]);
    expect(seen.map((c) => [c.task, c.seeds, c.steps])).toEqual([
      ['alpha', [1, 2], 5],
      ['beta', [1, 2], 5],
    ]);
    const out = stdout.text();
    expect(out.match(/paired vs loss on test balanced-error over 2 seeds/g)).toHaveLength(2);
    expect(out.indexOf('paired vs loss')).toBeGreaterThan(out.indexOf('alpha / long-tailed'));

    expect((await readdir(root)).sort()).toEqual(['alpha', 'beta', 'charts', 'report.html']);
    for (const task of ['alpha', 'beta']) {
      expect((await readdir(join(root, task))).sort()).toEqual(['charts', 'report.html', 'results.json']);
      expect(validateBenchResult(JSON.parse(await readFile(join(root, task, 'results.json'), 'utf8'))).backend).toBe('cpu');
    }
    expect((await readdir(join(root, 'charts'))).sort()).toEqual([
      'alpha-curves.png',
      'alpha-final.png',
      'alpha-gains.png',
      'beta-final.png',
      'beta-gains.png',
    ]);
    const page = await readFile(join(root, 'report.html'), 'utf8');
    expect(page).toContain('MetricOpt demo report');
    expect(page).toContain('id="task-alpha"');
    expect(page).toContain('id="task-beta"');
    expect(stderr.text()).toContain(`wrote ${join(root, 'report.html')}`);
  }, 60_000);
});
