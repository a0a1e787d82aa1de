// Fuzzes every reader with fast-check generated inputs; see docs/reliability.md.
//
//   pnpm build   # the readers are imported from the packages' dist/
//   cd packages/bench && node --import tsx scripts/fuzz.ts [--runs 10000] [--seed 1] [--timeout-ms 10000] [--parallel 1] [--only idx,voc] [--json out.json]
//
// Each reader runs in its own child process; an input that runs past --timeout-ms is a hang (the
// child is killed, a fresh one continues with the next input). Exit code 1 when any input crashed
// untyped or hung.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runFuzzChild } from '../src/reliability/fuzz-child.js';
import { FUZZ_TARGETS } from '../src/reliability/fuzz-properties.js';
import { formatFuzzTable, runFuzz, type FuzzRow } from '../src/reliability/fuzz-runner.js';

const argv = process.argv.slice(2);

if (argv[0] === '--child') {
  const [name, seed, from, to] = argv.slice(1);
  await tf.setBackend('cpu');
  tf.env().set('PROD', true);
  await runFuzzChild(name!, Number(seed), Number(from), Number(to), (m) => process.send!(m));
  process.disconnect();
} else {
  const flag = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const runs = Number(flag('runs', '10000'));
  const seed = Number(flag('seed', '1'));
  const timeoutMs = Number(flag('timeout-ms', '10000'));
  const parallel = Number(flag('parallel', '1'));
  const only = flag('only', '');
  const targets = only === '' ? FUZZ_TARGETS.map((t) => t.name) : only.split(',');
  const unknown = targets.filter((t) => !FUZZ_TARGETS.some((f) => f.name === t));
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`);
  const last = new Map<string, number>();
  const progress = (row: FuzzRow) => {
    if (Date.now() - (last.get(row.target) ?? 0) < 30_000 && row.tried !== runs) return;
    last.set(row.target, Date.now());
    process.stderr.write(`${row.target}: ${row.tried}/${runs} (typed ${row.typed}, accepted ${row.accepted}, untyped ${row.untyped}, hangs ${row.hangs})\n`);
  };
  const started = Date.now();
  const rows = await runFuzz({ script: fileURLToPath(import.meta.url), targets, runs, seed, timeoutMs, parallel, onProgress: progress });
  const readers = (name: string) => FUZZ_TARGETS.find((t) => t.name === name)?.reader ?? name;
  console.log(formatFuzzTable(rows, readers));
  console.log(`\n${runs} inputs per reader, seed ${seed}, per-input limit ${timeoutMs} ms, ${parallel} reader(s) at a time, ${((Date.now() - started) / 1000).toFixed(0)} s in all (node ${process.version}).`);
  for (const row of rows) for (const f of row.failures) console.log(`\n${row.target} ${f}`);
  const json = flag('json', '');
  if (json !== '') await writeFile(json, `${JSON.stringify({ runs, seed, timeoutMs, rows }, null, 2)}\n`);
  process.exitCode = rows.some((r) => r.untyped > 0 || r.hangs > 0) ? 1 : 0;
}
