import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_PAUSE_ENV_VAR, CheckpointStore, Rng, checkFinetuneState, type StateExpectations } from '@metricopt/core';
import { startChild, type Child, type ChildExit } from './child-process.js';
import { crashProblem, TRAIN_ROWS } from './finetune-problem.js';

const CHILD = fileURLToPath(new URL('./finetune-child.ts', import.meta.url));

export interface FinetuneTrialSettings {
  trials: number;
  steps: number;
  every: number;
  pauseMs: number;
  seed: number;
}

/** One kill/resume trial's outcome. */
export interface TrialOutcome {
  trial: number;
  kills: number;
  /** Kills that left a torn temporary checkpoint file: the kill landed inside a checkpoint write. */
  killsDuringWrites: number;
  /** Checkpoints seen after a kill: absent, loading cleanly, or corrupt (goal 0). */
  checkpointsAbsent: number;
  checkpointsClean: number;
  checkpointsCorrupt: number;
  resumedOk: boolean;
  identical: boolean;
  note: string;
}

export interface FinetuneRun {
  params: number[];
  result: unknown;
  resumed: boolean;
}

type KillPlan = { kind: 'time'; ms: number } | { kind: 'step'; step: number } | { kind: 'write'; nth: number; delayMs: number };

/** The checkpoint's expectations, from the same problem the child builds. */
function expectations(steps: number): StateExpectations {
  const o = crashProblem(steps, 1);
  const e = { params: o.params.size, trainRows: TRAIN_ROWS, variableShapes: o.params.variables.map((v) => v.shape.slice()) };
  o.model.dispose();
  return e;
}

export async function runChild(dir: string, out: string, s: FinetuneTrialSettings, env: Record<string, string> = {}): Promise<Child> {
  return startChild(CHILD, [dir, out, String(s.steps), String(s.seed), String(s.every)], env);
}

export async function readRun(path: string): Promise<FinetuneRun> {
  return JSON.parse(await readFile(path, 'utf8')) as FinetuneRun;
}

/** Same φ bit for bit (float32 values survive JSON exactly) and the same result, timings left out. */
export function sameRun(a: FinetuneRun, b: FinetuneRun): boolean {
  return a.params.length === b.params.length && a.params.every((v, i) => Object.is(v, b.params[i])) &&
    JSON.stringify(a.result) === JSON.stringify(b.result);
}

/** What a kill left in the directory: the checkpoint's state and whether a torn temporary file shows it was mid-write. */
async function inspect(dir: string, expect: StateExpectations): Promise<{ checkpoint: 'absent' | 'clean' | 'corrupt'; torn: boolean; error?: string }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const torn = names.some((n) => n.startsWith('checkpoint.json.tmp-'));
  const store = new CheckpointStore(dir);
  try {
    const state = await store.load();
    if (state === null) return { checkpoint: 'absent', torn };
    checkFinetuneState(state, store.path, expect);
    return { checkpoint: 'clean', torn };
  } catch (err) {
    return { checkpoint: 'corrupt', torn, error: (err as Error).message };
  }
}

/** Starts a child and SIGKILLs it as the plan says; resolves to how it ended. */
async function runAndKill(dir: string, out: string, s: FinetuneTrialSettings, plan: KillPlan): Promise<ChildExit> {
  const child = await runChild(dir, out, s, { [CHECKPOINT_PAUSE_ENV_VAR]: String(s.pauseMs) });
  if (plan.kind === 'time') {
    const timer = setTimeout(() => child.kill(), plan.ms);
    void child.exited.then(() => clearTimeout(timer));
  } else if (plan.kind === 'step') {
    child.onMessage((m) => {
      if (typeof m.step === 'number' && m.step >= plan.step) {
        child.kill();
        return true;
      }
      return false;
    });
  } else {
    let seen = 0;
    child.onMessage((m) => {
      if (m.metricoptCheckpointWrite !== 'paused' || ++seen < plan.nth) return false;
      setTimeout(() => child.kill(), plan.delayMs);
      return true;
    });
  }
  return child.exited;
}

/**
 * The finetune kill/resume trials: per trial 1–3 SIGKILLs (at a random time, at a random step, or
 * inside the n-th checkpoint write), then a resume to completion, compared with `reference`.
 */
export async function finetuneTrials(s: FinetuneTrialSettings, reference: FinetuneRun, referenceMs: number, log: (line: string) => void): Promise<TrialOutcome[]> {
  const rng = new Rng(s.seed * 7919 + 1);
  const expect = expectations(s.steps);
  const writes = Math.floor(s.steps / s.every);
  const outcomes: TrialOutcome[] = [];
  for (let trial = 1; trial <= s.trials; trial++) {
    const dir = await mkdtemp(join(tmpdir(), 'kill-resume-ft-'));
    const out = join(dir, '..', `${dir.split('/').pop()}-result.json`);
    const o: TrialOutcome = { trial, kills: 0, killsDuringWrites: 0, checkpointsAbsent: 0, checkpointsClean: 0, checkpointsCorrupt: 0, resumedOk: false, identical: false, note: '' };
    const planned = 1 + rng.int(3);
    const kinds: string[] = [];
    for (let k = 0; k < planned; k++) {
      const r = rng.next();
      const plan: KillPlan =
        r < 0.4 ? { kind: 'write', nth: 1 + rng.int(Math.max(1, Math.floor(writes / planned))), delayMs: rng.next() * 0.8 * s.pauseMs }
        : r < 0.7 ? { kind: 'step', step: 1 + rng.int(s.steps) }
        : { kind: 'time', ms: rng.next() * referenceMs };
      const exit = await runAndKill(dir, out, s, plan);
      if (exit.signal !== 'SIGKILL') {
        kinds.push(`${plan.kind}:finished-first`);
        if (exit.code !== 0) o.note += ` child exited ${exit.code}: ${exit.stderr.trim().split('\n').pop()}`;
        break;
      }
      o.kills++;
      kinds.push(plan.kind);
      const seen = await inspect(dir, expect);
      if (seen.torn) o.killsDuringWrites++;
      if (seen.checkpoint === 'absent') o.checkpointsAbsent++;
      else if (seen.checkpoint === 'clean') o.checkpointsClean++;
      else {
        o.checkpointsCorrupt++;
        o.note += ` corrupt: ${seen.error}`;
      }
    }
    const final = await runAndKill(dir, out, { ...s, pauseMs: 0 }, { kind: 'time', ms: 1e9 });
    o.resumedOk = final.code === 0;
    if (!o.resumedOk) o.note += ` resume failed (${final.code}): ${final.stderr.trim().split('\n').pop()}`;
    else o.identical = sameRun(await readRun(out), reference);
    const leftovers = (await readdir(dir)).filter((n) => n !== 'checkpoint.json');
    if (leftovers.length > 0) o.note += ` left in the directory: ${leftovers.join(', ')}`;
    log(`trial ${trial}: ${kinds.join(', ')} → kills ${o.kills}, during writes ${o.killsDuringWrites}, resumed ${o.resumedOk}, identical ${o.identical}${o.note}`);
    outcomes.push(o);
  }
  return outcomes;
}

export interface LockOutcome {
  test: string;
  expected: string;
  got: string;
  ok: boolean;
}

/**
 * Two processes on one checkpoint directory, and stale locks: the second run gets a CheckpointError
 * naming the live holder; after the holder is SIGKILLed (mid-write), a new run takes the lock over
 * and finishes identically; a lock naming a live pid with another start time (pid reuse) is taken over.
 */
export async function lockTrials(s: FinetuneTrialSettings, reference: FinetuneRun): Promise<LockOutcome[]> {
  const results: LockOutcome[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'kill-resume-lock-'));
  const holder = await runChild(dir, join(dir, 'a.json'), s, { [CHECKPOINT_PAUSE_ENV_VAR]: '60000' });
  const paused = new Promise<void>((resolve) => holder.onMessage((m) => {
    if (m.metricoptCheckpointWrite !== 'paused') return false;
    resolve();
    return true;
  }));
  await paused;
  const second = await runChild(dir, join(dir, 'b.json'), s);
  const b = await second.exited;
  const named = new RegExp(`CheckpointError: .*is locked by process ${holder.proc.pid}; two runs cannot share`).test(b.stderr);
  results.push({
    test: 'second process, same directory, holder alive',
    expected: 'CheckpointError naming the holder, exit 3',
    got: `exit ${b.code}: ${b.stderr.trim().split('\n').pop()!.slice(0, 160)}`,
    ok: b.code === 3 && named,
  });
  holder.kill();
  await holder.exited;
  const taker = await runChild(dir, join(dir, 'c.json'), s);
  const timer = setTimeout(() => taker.kill(), 180_000);
  const c = await taker.exited;
  clearTimeout(timer);
  const same = c.code === 0 && sameRun(await readRun(join(dir, 'c.json')), reference);
  const left = (await readdir(dir)).filter((n) => n.startsWith('checkpoint.') && n !== 'checkpoint.json');
  results.push({
    test: 'holder SIGKILLed mid-write, a new run starts',
    expected: 'stale lock taken over, run completes identically, no lock or temp files left',
    got: `exit ${c.code} in ${(c.ms / 1000).toFixed(1)} s, identical ${same}, left: ${left.join(', ') || 'nothing'}`,
    ok: same && left.length === 0,
  });

  // A lock naming a live pid (this process) with another start time: the pid was reused.
  const reused = await mkdtemp(join(tmpdir(), 'kill-resume-lock-'));
  await writeFile(join(reused, 'checkpoint.lock'), JSON.stringify({ pid: process.pid, host: hostname(), start: '1' }));
  const d = await (await runChild(reused, join(reused, 'd.json'), s)).exited;
  results.push({
    test: 'lock of a reused pid (live pid, other start time)',
    expected: 'taken over, run completes',
    got: `exit ${d.code}`,
    ok: d.code === 0,
  });
  // The same pid with its true start time is a live holder.
  const live = await mkdtemp(join(tmpdir(), 'kill-resume-lock-'));
  const start = (await readFile('/proc/self/stat', 'utf8').then((t) => t.slice(t.lastIndexOf(')') + 2).split(' ')[19]).catch(() => undefined));
  await writeFile(join(live, 'checkpoint.lock'), JSON.stringify({ pid: process.pid, host: hostname(), ...(start ? { start } : {}) }));
  const e = await (await runChild(live, join(live, 'e.json'), s)).exited;
  results.push({
    test: 'lock of a live process (pid and start time match)',
    expected: 'CheckpointError, exit 3',
    got: `exit ${e.code}: ${e.stderr.trim().split('\n').pop()!.slice(0, 120)}`,
    ok: e.code === 3 && /CheckpointError: .*is locked by process/.test(e.stderr),
  });
  return results;
}
