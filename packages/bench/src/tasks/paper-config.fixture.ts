import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { initBackend } from '@metricopt/core';
import { captureCli } from '../cli-capture.fixture.js';

/** The paper configs shipped with the bench (packages/bench/configs/). */
export const CONFIGS = fileURLToPath(new URL('../../configs/', import.meta.url));

/** Runs the CLI in-process (no plugin scan, empty env): `await bench(['bench', 'classification', '--json'])`. */
export function bench(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return captureCli(argv, { scan: false, env: {} });
}

/** Inits the backend and makes a fresh temporary directory before the file's tests, removed after them: `const base = tempBase('x-'); … base()`. */
export function tempBase(prefix: string): () => string {
  let base: string | undefined;
  beforeAll(async () => {
    await initBackend();
    base = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (base !== undefined) await rm(base, { recursive: true, force: true });
  });
  return () => base!;
}
