// Crash safety, measured: SIGKILLs a finetune (and a bench) at random moments, resumes it, and
// checks that it ends exactly where an uninterrupted run with the same seed ends, that no
// checkpoint is ever left corrupt, and that two processes cannot share a checkpoint directory.
//
//   pnpm -F @metricopt/core build && pnpm -F @metricopt/bench build
//   node --import tsx packages/bench/scripts/kill-resume.ts [--trials 24] [--bench-trials 6] [--seed 1]
//
// Prints markdown tables (docs/reliability.md holds a measured copy).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHECKPOINT_PAUSE_ENV_VAR, initBackend } from '@metricopt/core';
import { benchTrials, type BenchTrialSettings } from './crash/bench-trials.js';
import { finetuneTrials, lockTrials, readRun, runChild, sameRun, type FinetuneTrialSettings } from './crash/finetune-trials.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '24' },
    steps: { type: 'string', default: '120' },
    every: { type: 'string', default: '4' },
    'pause-ms': { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    'bench-trials': { type: 'string', default: '6' },
  },
});
const settings: FinetuneTrialSettings = {
  trials: Number(values.trials),
  steps: Number(values.steps),
  every: Number(values.every),
  pauseMs: Number(values['pause-ms']),
  seed: Number(values.seed),
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
await initBackend();

// The reference: one uninterrupted run without checkpoints; a second with checkpoints (and the
// write pauses) must match it too and times the kill window.
const work = await mkdtemp(join(tmpdir(), 'kill-resume-'));
const plain = await (await runChild('-', join(work, 'plain.json'), settings)).exited;
if (plain.code !== 0) throw new Error(`reference run failed: ${plain.stderr}`);
const reference = await readRun(join(work, 'plain.json'));
const timed = await (await runChild(join(work, 'ckpt'), join(work, 'ckpt.json'), settings, { [CHECKPOINT_PAUSE_ENV_VAR]: String(settings.pauseMs) })).exited;
const checkpointedSame = timed.code === 0 && sameRun(await readRun(join(work, 'ckpt.json')), reference);
log(`reference: ${(plain.ms / 1000).toFixed(1)} s; with checkpoints every ${settings.every} steps and ${settings.pauseMs} ms write pauses: ${(timed.ms / 1000).toFixed(1)} s, identical ${checkpointedSame}`);

const outcomes = await finetuneTrials(settings, reference, timed.ms, log);
const locks = await lockTrials(settings, reference);
const benchSettings: BenchTrialSettings = { trials: Number(values['bench-trials']), seed: settings.seed, pauseMs: 300 };
const bench = benchSettings.trials > 0 ? await benchTrials(benchSettings, log) : null;

const sum = (f: (o: (typeof outcomes)[number]) => number) => outcomes.reduce((a, o) => a + f(o), 0);
const out: string[] = [];
out.push(`### Finetune kill/resume (${settings.steps} steps, loss+value, a round every 5 steps, checkpoint every ${settings.every} steps, seed ${settings.seed})`, '');
out.push('| trials | SIGKILLs | kills during checkpoint writes | checkpoints after a kill: absent / clean / corrupt | resumed OK | identical final φ and result | checkpointed run = plain run |');
out.push('|---:|---:|---:|---|---:|---:|---|');
out.push(`| ${outcomes.length} | ${sum((o) => o.kills)} | ${sum((o) => o.killsDuringWrites)} | ${sum((o) => o.checkpointsAbsent)} / ${sum((o) => o.checkpointsClean)} / **${sum((o) => o.checkpointsCorrupt)}** | ${sum((o) => (o.resumedOk ? 1 : 0))}/${outcomes.length} | ${sum((o) => (o.identical ? 1 : 0))}/${outcomes.length} | ${checkpointedSame ? 'yes' : 'NO'} |`);
out.push('', '### Checkpoint directory lock across processes', '', '| test | expected | got | ok |', '|---|---|---|---|');
for (const l of locks) out.push(`| ${l.test} | ${l.expected} | ${l.got.replaceAll('|', '\\|')} | ${l.ok ? 'yes' : '**NO**'} |`);
if (bench) {
  out.push('', `### Bench kill/resume (\`metricopt bench ${bench.command}\`)`, '');
  out.push('| trials | SIGKILLs | kills during run-file writes | run files after a kill: clean / corrupt | resumed OK | results identical (timings left out) |');
  out.push('|---:|---:|---:|---|---:|---:|');
  out.push(`| ${bench.trials} | ${bench.kills} | ${bench.killsDuringWrites} | ${bench.runFilesClean} / **${bench.runFilesCorrupt}** | ${bench.resumedOk}/${bench.trials} | ${bench.identical}/${bench.trials} |`);
}
out.push('', `Total wall time ${((performance.now() - started) / 1000).toFixed(0)} s.`);
process.stdout.write(`${out.join('\n')}\n`);
const failed = sum((o) => o.checkpointsCorrupt) > 0 || outcomes.some((o) => !o.identical) || locks.some((l) => !l.ok) || !checkpointedSame ||
  (bench !== null && (bench.runFilesCorrupt > 0 || bench.identical < bench.trials));
process.exitCode = failed ? 1 : 0;
