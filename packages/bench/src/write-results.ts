import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveInside } from '@metricopt/core';
import { validateBenchResult, type BenchResult } from './results.js';

/**
 * Writes `results.json` into `dir` (created if missing) atomically: a temporary file in the same
 * directory, then a rename, so a reader never sees half a file. Returns the path written. Nothing
 * is written outside `dir`: a `results.json` symbolic link pointing out of it is a FormatError.
 */
export async function writeResultsJson(dir: string, results: BenchResult): Promise<string> {
  validateBenchResult(results);
  await mkdir(dir, { recursive: true });
  // Checked on disk: a results.json that is a symbolic link out of `dir` is refused.
  resolveInside(dir, 'results.json', `${dir} (the output directory): results.json`);
  const path = join(dir, 'results.json');
  const tmp = join(dir, `.results.json.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(results, null, 2)}\n`, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return path;
}
