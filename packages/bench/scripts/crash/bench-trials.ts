import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_PAUSE_ENV_VAR, Rng } from '@metricopt/core';
import { runRecordSchema } from '../../src/results.js';
import { startChild, type ChildExit } from './child-process.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const ARGS = ['bench', 'synthetic', '--seeds', '2', '--methods', 'loss,metricopt', '--steps', '60'];

export interface BenchTrialSettings {
  trials: number;
  seed: number;
  pauseMs: number;
}

export interface BenchTrialSummary {
  command: string;
  trials: number;
  kills: number;
  /** Kills that left a torn temporary run file: the kill landed inside a run-file write. */
  killsDuringWrites: number;
  runFilesClean: number;
  runFilesCorrupt: number;
  resumedOk: number;
  identical: number;
}

function runCli(out: string, env: Record<string, string> = {}) {
  return startChild(CLI, [...ARGS, '--out', out, '--json'], env);
}

/** results.json without what differs between any two runs (wall times). */
async function comparable(out: string): Promise<string> {
  const r = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { methods: Record<string, { runs: Record<string, unknown>[] }> };
  for (const m of Object.values(r.methods)) {
    for (const run of m.runs) {
      delete run.wallSeconds;
      delete run.timings;
    }
  }
  return JSON.stringify(r);
}

/** Every run file left in out/runs: a complete, valid run record, or a torn temporary file. */
async function inspect(out: string): Promise<{ clean: number; corrupt: number; torn: boolean }> {
  const dir = join(out, 'runs');
  const names = await readdir(dir).catch(() => [] as string[]);
  let clean = 0;
  let corrupt = 0;
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const file = JSON.parse(await readFile(join(dir, name), 'utf8')) as { format?: unknown; record?: unknown };
      if (file.format !== 'metricopt-bench-run' || !runRecordSchema.safeParse(file.record).success) throw new Error('not a run file');
      clean++;
    } catch {
      corrupt++;
    }
  }
  return { clean, corrupt, torn: names.some((n) => /\.json\.tmp-/.test(n)) };
}

/**
 * SIGKILLs `metricopt bench synthetic --out DIR` (2 seeds × 2 methods) 1–2 times per trial, at a
 * random time or inside the n-th run-file write, reruns it to completion, and compares results.json
 * with an uninterrupted bench's.
 */
export async function benchTrials(s: BenchTrialSettings, log: (line: string) => void): Promise<BenchTrialSummary> {
  const rng = new Rng(s.seed * 104729 + 5);
  const refOut = await mkdtemp(join(tmpdir(), 'kill-resume-bench-ref-'));
  const ref: ChildExit = await runCli(refOut).exited;
  if (ref.code !== 0) throw new Error(`reference bench failed: ${ref.stderr}`);
  const reference = await comparable(refOut);
  log(`bench reference: ${(ref.ms / 1000).toFixed(1)} s`);
  const summary: BenchTrialSummary = {
    command: `${ARGS.slice(1).join(' ')} --out DIR`, trials: s.trials, kills: 0, killsDuringWrites: 0, runFilesClean: 0, runFilesCorrupt: 0, resumedOk: 0, identical: 0,
  };
  for (let trial = 1; trial <= s.trials; trial++) {
    const out = await mkdtemp(join(tmpdir(), 'kill-resume-bench-'));
    const planned = 1 + rng.int(2);
    const kinds: string[] = [];
    for (let k = 0; k < planned; k++) {
      const child = runCli(out, { [CHECKPOINT_PAUSE_ENV_VAR]: String(s.pauseMs) });
      if (rng.next() < 0.5) {
        const nth = 1 + rng.int(4);
        const delay = rng.next() * 0.8 * s.pauseMs;
        let seen = 0;
        child.onMessage((m) => {
          if (m.metricoptCheckpointWrite !== 'paused' || ++seen < nth) return false;
          setTimeout(() => child.kill(), delay);
          return true;
        });
        kinds.push(`write#${nth}`);
      } else {
        const ms = rng.next() * (ref.ms + 4 * s.pauseMs);
        const timer = setTimeout(() => child.kill(), ms);
        void child.exited.then(() => clearTimeout(timer));
        kinds.push(`time ${(ms / 1000).toFixed(1)} s`);
      }
      const exit = await child.exited;
      if (exit.signal !== 'SIGKILL') {
        kinds.push('(finished first)');
        break;
      }
      summary.kills++;
      const seen = await inspect(out);
      if (seen.torn) summary.killsDuringWrites++;
      summary.runFilesClean += seen.clean;
      summary.runFilesCorrupt += seen.corrupt;
    }
    const final = await runCli(out).exited;
    const ok = final.code === 0;
    const same = ok && (await comparable(out)) === reference;
    if (ok) summary.resumedOk++;
    if (same) summary.identical++;
    log(`bench trial ${trial}: ${kinds.join(', ')} → resumed ${ok}, identical ${same}${ok ? '' : `: ${final.stderr.trim().split('\n').pop()}`}`);
  }
  return summary;
}
