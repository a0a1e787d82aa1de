import { fork, type ChildProcess } from 'node:child_process';
import type { FuzzChildMessage } from './fuzz-child.js';

export interface FuzzRunOptions {
  /** The script that runs a child when called as `<script> --child <target> <seed> <from> <to>`. */
  script: string;
  targets: readonly string[];
  /** Inputs per target. */
  runs: number;
  seed: number;
  /** An input that runs longer is a hang: its child is killed and a new one continues after it. */
  timeoutMs: number;
  /** Targets fuzzed at once, each in its own child (default 1). */
  parallel?: number;
  /** Called after each input and at each target's end (for progress lines). */
  onProgress?: (row: FuzzRow) => void;
}

/** One line of the fuzz table. */
export interface FuzzRow {
  target: string;
  tried: number;
  typed: number;
  accepted: number;
  untyped: number;
  hangs: number;
  /** The largest resident set of any child that ran this target, in MiB. */
  peakRssMiB: number;
  seconds: number;
  /** The slowest input that finished, in ms, and which it was. */
  slowestMs: number;
  slowestInput: number;
  /** The first few untyped failures and hangs, with their input index. */
  failures: string[];
}

/**
 * Fuzzes each target in its own child process (`parallel` targets at a time): counts per outcome, hangs
 * (an input that overran `timeoutMs`; the child is SIGKILLed and a fresh one continues with the
 * next input) and each child's peak RSS.
 */
export async function runFuzz(options: FuzzRunOptions): Promise<FuzzRow[]> {
  const rows: FuzzRow[] = new Array(options.targets.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < options.targets.length) {
      const i = next++;
      rows[i] = await fuzzOneTarget(options.targets[i]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, lane));
  return rows;
}

async function fuzzOneTarget(target: string, options: FuzzRunOptions): Promise<FuzzRow> {
  const row: FuzzRow = { target, tried: 0, typed: 0, accepted: 0, untyped: 0, hangs: 0, peakRssMiB: 0, seconds: 0, slowestMs: 0, slowestInput: -1, failures: [] };
  const started = Date.now();
  let next = 0;
  while (next < options.runs) {
    const { reached, hung, maxRssKb } = await runChild(target, next, options, row);
    row.peakRssMiB = Math.max(row.peakRssMiB, maxRssKb / 1024);
    next = reached;
    if (hung) {
      row.tried++;
      row.hangs++;
      if (row.failures.length < 5) row.failures.push(`input ${next}: hang (no answer within ${options.timeoutMs} ms)`);
      next++;
    }
  }
  row.seconds = (Date.now() - started) / 1000;
  options.onProgress?.(row);
  return row;
}

/** Runs a child from input `from` until it ends or hangs; resolves to the first input it did not finish. */
function runChild(target: string, from: number, options: FuzzRunOptions, row: FuzzRow): Promise<{ reached: number; hung: boolean; maxRssKb: number }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(options.script, ['--child', target, String(options.seed), String(from), String(options.runs)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let reached = from;
    let maxRssKb = 0;
    let ended = false;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let timer: NodeJS.Timeout | undefined;
    // Setting up (sharp, tfjs, seed files) is not an input: the first clock starts generously.
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, ms);
    };
    arm(Math.max(60_000, options.timeoutMs));
    child.on('message', (m: FuzzChildMessage) => {
      if (m.type === 'generating') arm(Math.max(120_000, options.timeoutMs));
      else if (m.type === 'ready') arm(options.timeoutMs);
      else if (m.type === 'done') {
        arm(options.timeoutMs);
        reached = m.index + 1;
        row.tried++;
        row[m.kind]++;
        if (m.ms > row.slowestMs) {
          row.slowestMs = m.ms;
          row.slowestInput = m.index;
        }
        if (m.kind === 'untyped' && row.failures.length < 5) row.failures.push(`input ${m.index}: ${m.error}`);
        options.onProgress?.(row);
      } else if (m.type === 'end') {
        ended = true;
        maxRssKb = m.maxRssKb;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (ended) resolve({ reached, hung: false, maxRssKb });
      else if (signal === 'SIGKILL' || reached < options.runs) {
        // Killed by the watchdog, or died (out of memory, a native crash): both stop at this input.
        if (signal !== 'SIGKILL' && row.failures.length < 5) row.failures.push(`input ${reached}: child exited (${code ?? signal}): ${stderr.slice(-500)}`);
        if (signal !== 'SIGKILL') {
          row.tried++;
          row.untyped++;
          resolve({ reached: reached + 1, hung: false, maxRssKb });
        } else resolve({ reached, hung: true, maxRssKb });
      } else reject(new Error(`fuzz child for ${target} exited (${code ?? signal}) without a report: ${stderr}`));
    });
  });
}

/** The fuzz table as markdown. */
export function formatFuzzTable(rows: readonly FuzzRow[], readers: (target: string) => string): string {
  const lines = [
    '| reader | functions | inputs tried | typed errors | accepted | untyped crashes | hangs | peak RSS (MiB) | slowest input (ms) | seconds |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.target} | ${readers(r.target)} | ${r.tried} | ${r.typed} | ${r.accepted} | ${r.untyped} | ${r.hangs} | ${r.peakRssMiB.toFixed(0)} | ${r.slowestMs.toFixed(0)} | ${r.seconds.toFixed(0)} |`),
  ];
  return lines.join('\n');
}
