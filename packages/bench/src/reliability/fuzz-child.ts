import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { fuzzTarget, runOne } from './fuzz-properties.js';

/** Inputs generated per fast-check sample call; input i is sample `floor(i / CHUNK)`'s element `i % CHUNK`. */
export const FUZZ_CHUNK = 250;

/** What a fuzz child reports to its parent, one message per input, then its totals. */
export type FuzzChildMessage =
  | { type: 'ready' }
  | { type: 'generating' }
  | { type: 'done'; index: number; kind: 'accepted' | 'typed' | 'untyped'; ms: number; error?: string }
  | { type: 'end'; maxRssKb: number };

/**
 * Runs inputs `from` to `to - 1` of one target in this process and reports each through `send`:
 * the child side of the fuzz script (the parent kills it when an input overruns its time).
 * Input i is fully determined by (target, seed, i), so a restarted child continues where the
 * last one stopped.
 */
export async function runFuzzChild(name: string, seed: number, from: number, to: number, send: (m: FuzzChildMessage) => void): Promise<void> {
  const target = fuzzTarget(name);
  if (target === undefined) throw new Error(`unknown fuzz target '${name}'`);
  await target.init?.();
  const dir = await mkdtemp(join(tmpdir(), `metricopt-fuzz-${name}-`));
  try {
    const context = await target.setup(dir);
    const arbitrary = target.arbitrary(context);
    let chunk: unknown[] = [];
    let chunkIndex = -1;
    for (let i = from; i < to; i++) {
      const c = Math.floor(i / FUZZ_CHUNK);
      if (c !== chunkIndex) {
        // Generating is not reading: the parent gives it its own clock.
        send({ type: 'generating' });
        chunk = fc.sample(arbitrary, { seed: seed * 100_003 + c, numRuns: FUZZ_CHUNK });
        chunkIndex = c;
        send({ type: 'ready' });
      }
      const t0 = performance.now();
      const outcome = await runOne(target, context, chunk[i % FUZZ_CHUNK]);
      const ms = performance.now() - t0;
      send(outcome.kind === 'accepted' ? { type: 'done', index: i, kind: 'accepted', ms } : { type: 'done', index: i, kind: outcome.kind, ms, error: outcome.error.slice(0, 2000) });
    }
    send({ type: 'end', maxRssKb: process.resourceUsage().maxRSS });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
