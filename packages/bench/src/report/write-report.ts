import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInside } from '@metricopt/core';
import { validateBenchResult, type BenchResult } from '../results.js';
import { buildReport, type ReportOptions } from './build-report.js';
import { renderChartPng } from './render-chart.js';

export interface WrittenReport {
  /** `<dir>/report.html`. */
  html: string;
  /** `<dir>/charts/<task>-<chart>.png`, one per chart. */
  pngs: string[];
}

/**
 * Writes `<dir>/report.html` (self-contained, inline SVG charts) and every chart as
 * `<dir>/charts/<task>-<chart>.png` for READMEs. Each file is written to a temporary name and
 * renamed, so a reader never sees half a file. Nothing is written outside `dir` (a FormatError
 * if a name or a symbolic link under it would lead out).
 *
 * ```ts
 * await writeReport('out', results, { backend: 'wasm' });   // { html: 'out/report.html', pngs: ['out/charts/synthetic-curves.png', ...] }
 * ```
 */
export async function writeReport(dir: string, results: BenchResult | readonly BenchResult[], options: ReportOptions = {}): Promise<WrittenReport> {
  const list: readonly BenchResult[] = Array.isArray(results) ? results : [results as BenchResult];
  list.forEach((r, i) => validateBenchResult(r, `report input ${i}`));
  const { html, charts } = await buildReport(list, options);
  // Every path is checked on disk, so a charts/ link or a chart name cannot lead out of `dir`.
  const inside = (relative: string): string => {
    resolveInside(dir, relative, `${dir} (the output directory): ${relative}`);
    return join(dir, relative);
  };
  const chartDir = inside('charts');
  await mkdir(chartDir, { recursive: true });
  const pngs: string[] = [];
  for (const chart of charts) {
    const path = inside(join('charts', chart.file));
    await atomicWrite(path, await renderChartPng(chart.svg));
    pngs.push(path);
  }
  const path = inside('report.html');
  await atomicWrite(path, html);
  return { html: path, pngs };
}

async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
