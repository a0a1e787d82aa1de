// Long runs stay flat, measured: 1,000 finetune steps (loss+value, an observation round of 9 metric
// calls every 10 steps) on each task — synthetic MLP, small CNN classifier on Fashion-MNIST-like
// images, embedding model with Recall@1, CenterNet with COCO mAP — each in its own process,
// sampling tf.memory().numTensors and the process RSS every 25 steps (after a forced GC).
//
//   pnpm -F @metricopt/core build && pnpm -F @metricopt/bench build   (the task packages' dist too)
//   cd packages/bench && node --import tsx scripts/memory-flat.ts [--steps 1000] [--warmup 300] [--tasks synthetic,detection]
//
// Prints a markdown table (docs/reliability.md holds a measured copy). Exit code 1 when a task's
// tensor count grows after warm-up or its RSS grows by 5% or more.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { finetune, initBackend } from '@metricopt/core';
import { MEMORY_TASKS, memoryTask, type MemoryTaskName } from './memory/memory-tasks.js';

interface Sample {
  step: number;
  tensors: number;
  rssMiB: number;
  heapMiB: number;
  /** Memory of ArrayBuffers and other objects outside the JS heap (typed arrays, the wasm heap). */
  externalMiB: number;
}

interface TaskMemory {
  task: string;
  backend: string;
  params: number;
  steps: number;
  metricCalls: number;
  seconds: number;
  samples: Sample[];
  tensorsBefore: number;
  tensorsAfter: number;
}

const { values } = parseArgs({
  options: {
    task: { type: 'string' },
    tasks: { type: 'string', default: MEMORY_TASKS.join(',') },
    steps: { type: 'string', default: '1000' },
    // The value function's window (30 rounds, one every 10 steps) is full from step 300 on: its buffers stop growing there.
    warmup: { type: 'string', default: '300' },
    every: { type: 'string', default: '25' },
  },
});
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const every = Number(values.every);
const gc = (globalThis as { gc?: () => void }).gc;
const MiB = 1024 * 1024;

function sample(step: number): Sample {
  gc?.();
  const m = process.memoryUsage();
  return { step, tensors: tf.memory().numTensors, rssMiB: m.rss / MiB, heapMiB: m.heapUsed / MiB, externalMiB: m.external / MiB };
}

async function measure(name: MemoryTaskName): Promise<TaskMemory> {
  const backend = (await initBackend()).name;
  const tensorsBefore = tf.memory().numTensors;
  const task = memoryTask(name);
  const samples: Sample[] = [sample(0)];
  const started = performance.now();
  const run = await finetune({
    ...task.options,
    mode: 'loss+value',
    steps,
    seed: 1,
    batchSize: 64,
    observeEvery: 10,
    perturbations: 4,
    onStep: ({ step }) => {
      if (step % every === 0) samples.push(sample(step));
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const params = task.options.params.size;
  task.options.optimizer?.dispose();
  task.dispose();
  return { task: name, backend, params, steps: run.steps, metricCalls: run.metricCalls, seconds, samples, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}

if (values.task !== undefined) {
  const result = await measure(values.task as MemoryTaskName);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const script = fileURLToPath(import.meta.url);
  const rows: string[] = [];
  let failed = false;
  for (const name of values.tasks!.split(',') as MemoryTaskName[]) {
    process.stderr.write(`${name}: ${steps} steps …\n`);
    const text = await new Promise<string>((resolve, reject) => {
      const child = fork(script, ['--task', name, '--steps', String(steps), '--every', String(every)], {
        execArgv: ['--expose-gc', '--import', 'tsx'],
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${name} exited with ${code}`))));
    });
    const r = JSON.parse(text.trim().split('\n').pop()!) as TaskMemory;
    const after = r.samples.filter((s) => s.step >= warmup);
    const first = after[0]!;
    const last = after[after.length - 1]!;
    const tensorRange = Math.max(...after.map((s) => s.tensors)) - Math.min(...after.map((s) => s.tensors));
    const rssGrowth = (100 * (last.rssMiB - first.rssMiB)) / first.rssMiB;
    const peakGrowth = (100 * (Math.max(...after.map((s) => s.rssMiB)) - first.rssMiB)) / first.rssMiB;
    const flat = tensorRange === 0 && rssGrowth < 5 && r.tensorsAfter === r.tensorsBefore;
    failed ||= !flat;
    rows.push(`| ${r.task} | ${r.params} | ${r.steps} | ${r.metricCalls} | ${first.tensors} → ${last.tensors} (range ${tensorRange}) | ` +
      `${r.tensorsBefore} → ${r.tensorsAfter} | ${first.rssMiB.toFixed(0)} → ${last.rssMiB.toFixed(0)} MiB (${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)}%, peak +${peakGrowth.toFixed(1)}%) | ` +
      `${first.heapMiB.toFixed(1)} → ${last.heapMiB.toFixed(1)} MiB | ${(first.externalMiB ?? 0).toFixed(1)} → ${(last.externalMiB ?? 0).toFixed(1)} MiB | ${r.seconds.toFixed(0)} s | ${flat ? 'yes' : '**NO**'} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write([
    `### Memory over ${steps} finetune steps (loss+value, a round of 9 metric calls every 10 steps; samples every ${every} steps after a forced GC; warm-up: the first ${warmup} steps)`,
    '',
    '| task | φ size | steps | metric calls | numTensors after warm-up → end | numTensors before run → after dispose | RSS after warm-up → end | JS heap after warm-up → end | external (ArrayBuffers, wasm heap) | wall | flat |',
    '|---|---:|---:|---:|---|---|---|---|---|---:|---|',
    ...rows,
    '',
  ].join('\n'));
  process.exitCode = failed ? 1 : 0;
}
