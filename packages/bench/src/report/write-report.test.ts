import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { FormatError } from '@metricopt/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handResult } from './hand-result.fixture.js';
import { writeReport } from './write-report.js';

// Rendering loads vega and sharp: seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeReport', () => {
  it('writes report.html and one valid PNG per chart, leaving no temporary file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'metricopt-report-'));
    dirs.push(root);
    const dir = join(root, 'out');
    const written = await writeReport(dir, handResult({ curves: false }), { backend: 'cpu' });
    expect(written.html).toBe(join(dir, 'report.html'));
    expect(await readFile(written.html, 'utf8')).toContain('backend: cpu');
    expect(written.pngs).toEqual([join(dir, 'charts', 'synthetic-final.png'), join(dir, 'charts', 'synthetic-gains.png')]);
    for (const png of written.pngs) {
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(200);
    }
    expect((await readdir(dir)).sort()).toEqual(['charts', 'report.html']);
    expect((await readdir(join(dir, 'charts'))).sort()).toEqual(['synthetic-final.png', 'synthetic-gains.png']);
  });

  it('rejects results that do not match the schema', async () => {
    await expect(writeReport(join(tmpdir(), 'never'), { task: 't' } as never)).rejects.toThrow(/report input 0/);
  });

  it('writes nothing outside the directory: a charts/ link pointing out of it is refused, and a task name cannot climb out', async () => {
    const root = await mkdtemp(join(tmpdir(), 'metricopt-report-'));
    dirs.push(root);
    const dir = join(root, 'out');
    await mkdir(dir);
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'elsewhere'), join(dir, 'charts'));
    const err = await writeReport(dir, handResult({ curves: false })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toContain('(the output directory): charts: "charts" leads through a symbolic link');
    expect(await readdir(join(root, 'elsewhere'))).toEqual([]);
    await rm(join(dir, 'charts'));
    // Chart files are named from the task: a task called '../../x' still lands in dir/charts.
    const written = await writeReport(dir, { ...handResult({ curves: false }), task: '../../x' });
    expect(written.pngs.every((p) => p.startsWith(join(dir, 'charts')))).toBe(true);
    expect((await readdir(root)).sort()).toEqual(['elsewhere', 'out']);
  });
});
