// One finetune run of the crash-safety problem, in its own process (started by kill-resume.ts):
//   node --import tsx finetune-child.ts <checkpointDir|-> <result.json> <steps> <seed> <every>
// It resumes from the checkpoint directory when a checkpoint is there, reports every step over IPC,
// and writes its final φ and result atomically. A CheckpointError exits with code 3.
import { CheckpointError, finetune, initBackend, writeJsonAtomic } from '@metricopt/core';
import { crashProblem } from './finetune-problem.js';

const [dir, out, steps, seed, every] = process.argv.slice(2);
await initBackend();
const options = crashProblem(Number(steps), Number(seed));
try {
  const run = await finetune({
    ...options,
    ...(dir !== '-' ? { checkpoint: { dir: dir!, every: Number(every) } } : {}),
    onStep: ({ step }) => process.send?.({ step }),
  });
  const { timings: _timings, resumed, ...result } = run;
  await writeJsonAtomic(out!, { params: Array.from(options.params.read()), result, resumed });
  process.disconnect?.();
} catch (err) {
  process.stderr.write(`${(err as Error).name}: ${(err as Error).message}\n`);
  process.exitCode = err instanceof CheckpointError ? 3 : 1;
  process.disconnect?.();
}
