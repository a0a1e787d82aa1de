// Fuzzes the readers of core's own state files with fast-check generated inputs: finetune
// checkpoints (through the whole resume path), ValueFunction states, and saved GlobalValueNets.
//
//   pnpm -F @metricopt/core build
//   cd packages/bench && node --import tsx scripts/fuzz-core-state.ts [--runs 10000] [--seed 1] [--timeout-ms 10000] [--only checkpoint]
//
// Each reader runs in its own child process (the fuzz runner of src/reliability): an input that
// runs past --timeout-ms is a hang. Exit code 1 when any input crashed untyped or hung.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { initBackend } from '@metricopt/core';
import { FUZZ_CHUNK, type FuzzChildMessage } from '../src/reliability/fuzz-child.js';
import { formatFuzzTable, runFuzz, type FuzzRow } from '../src/reliability/fuzz-runner.js';
import { runOne, type FuzzTarget } from '../src/reliability/fuzz-target.js';
import { checkpointTarget } from './fuzz-core/checkpoint-target.js';
import { valueNetTarget } from './fuzz-core/value-net-target.js';
import { valueStateTarget } from './fuzz-core/value-state-target.js';

const TARGETS: readonly FuzzTarget<any, any>[] = [checkpointTarget, valueStateTarget, valueNetTarget];
const argv = process.argv.slice(2);

/** The child side: inputs `from`..`to − 1` of one target, input i fully determined by (target, seed, i) as in the fuzz script. */
async function child(name: string, seed: number, from: number, to: number, send: (m: FuzzChildMessage) => void): Promise<void> {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`unknown target '${name}'`);
  await initBackend();
  const dir = await mkdtemp(join(tmpdir(), `metricopt-fuzz-core-${name}-`));
  try {
    const context = await target.setup(dir);
    const arbitrary = target.arbitrary(context);
    let chunk: unknown[] = [];
    let chunkIndex = -1;
    for (let i = from; i < to; i++) {
      const c = Math.floor(i / FUZZ_CHUNK);
      if (c !== chunkIndex) {
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

if (argv[0] === '--child') {
  const [name, seed, from, to] = argv.slice(1);
  await child(name!, Number(seed), Number(from), Number(to), (m) => process.send!(m));
  process.disconnect();
} else {
  const flag = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const runs = Number(flag('runs', '10000'));
  const seed = Number(flag('seed', '1'));
  const timeoutMs = Number(flag('timeout-ms', '10000'));
  const only = flag('only', '');
  const targets = only === '' ? TARGETS.map((t) => t.name) : only.split(',');
  const last = new Map<string, number>();
  const progress = (row: FuzzRow) => {
    if (Date.now() - (last.get(row.target) ?? 0) < 30_000 && row.tried !== runs) return;
    last.set(row.target, Date.now());
    process.stderr.write(`${row.target}: ${row.tried}/${runs} (typed ${row.typed}, accepted ${row.accepted}, untyped ${row.untyped}, hangs ${row.hangs})\n`);
  };
  const started = Date.now();
  const rows = await runFuzz({ script: fileURLToPath(import.meta.url), targets, runs, seed, timeoutMs, onProgress: progress });
  console.log(formatFuzzTable(rows, (name) => TARGETS.find((t) => t.name === name)?.reader ?? name));
  console.log(`\n${runs} inputs per reader, seed ${seed}, per-input limit ${timeoutMs} ms, ${((Date.now() - started) / 1000).toFixed(0)} s in all (node ${process.version}).`);
  for (const row of rows) for (const f of row.failures) console.log(`\n${row.target} ${f}`);
  process.exitCode = rows.some((r) => r.untyped > 0 || r.hangs > 0) ? 1 : 0;
}
