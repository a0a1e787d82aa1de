/**
 * Training throughput (steps/s) of a small CNN and an MLP on the wasm backend — with only the one
 * kernel it needs to train at all, and with all of MetricOpt's kernels — and on the cpu backend.
 * (Since issue 5 that one kernel, Conv2DBackpropFilter, has a SIMD path itself, so "before" is no
 * longer the stock wasm backend of 4.22; `metricopt bench speed` compares against PyTorch, and
 * bench/kernel-profile.ts and bench/kernel-ablation.ts break a step down by kernel.)
 *
 *   cd packages/core && node --import tsx bench/cnn-throughput.ts [--seconds 5] [--only cnn|mlp] [--skip-cpu-cnn]
 *
 * CNN: conv16 3x3 relu – conv32 3x3 relu – maxpool 2 – dense64 relu – dense10; MLP: 784-256-256-10.
 * Batch 64 of seeded random 28x28x1 images and labels, Adam 1e-3, softmax cross-entropy.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatBackendReport } from '../src/backend/backend-report.js';
import { initBackend } from '../src/backend/init-backend.js';
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from '../src/backend/wasm-kernels/register-wasm-training-kernels.js';
import { randomBatchStep } from './training-step.js';

const BATCH = 64;

interface Setup {
  label: string;
  backend: 'wasm' | 'cpu';
  kernels: string;
  /** Puts the kernels in place; runs after the backend is active. */
  prepare(): void;
}

const SETUPS: Setup[] = [
  {
    label: 'wasm, before',
    backend: 'wasm',
    kernels: 'stock + Conv2DBackpropFilter',
    prepare: () => {
      unregisterWasmTrainingKernels();
      registerWasmTrainingKernels({ kernels: ['Conv2DBackpropFilter'] });
    },
  },
  {
    label: 'wasm, after',
    backend: 'wasm',
    kernels: 'all MetricOpt kernels',
    prepare: () => void registerWasmTrainingKernels(),
  },
  { label: 'cpu', backend: 'cpu', kernels: 'stock', prepare: () => undefined },
];

const MODELS: Record<'cnn' | 'mlp', { inputShape: number[]; build: () => tfl.Sequential }> = {
  cnn: {
    inputShape: [28, 28, 1],
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
          tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 64, activation: 'relu' }),
          tfl.layers.dense({ units: 10 }),
        ],
      }),
  },
  mlp: {
    inputShape: [784],
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
          tfl.layers.dense({ units: 256, activation: 'relu' }),
          tfl.layers.dense({ units: 10 }),
        ],
      }),
  },
};

interface Measurement {
  steps: number;
  seconds: number;
  /** CPU time of this process over the same steps: wasm and cpu run on one thread, so on a quiet machine it equals `seconds`. */
  cpuSeconds: number;
  firstStepSeconds: number;
  finalLoss: number;
}

/** One warm-up step (XNNPACK builds its operators then), then steps until `seconds` have passed. */
function measure(modelName: 'cnn' | 'mlp', seconds: number, seed: number): Measurement {
  const spec = MODELS[modelName];
  const model = spec.build();
  const { step, dispose } = randomBatchStep(model, spec.inputShape, seed, BATCH);
  const first = performance.now();
  let finalLoss = step();
  const firstStepSeconds = (performance.now() - first) / 1000;
  let steps = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  while (steps < 1 || (performance.now() - start) / 1000 < seconds) {
    finalLoss = step();
    steps++;
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  dispose();
  model.layers.forEach((layer) => layer.dispose());
  return { steps, seconds: elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6, firstStepSeconds, finalLoss };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      only: { type: 'string' },
      'skip-cpu-cnn': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const models = values.only === undefined ? (['cnn', 'mlp'] as const) : ([values.only as 'cnn' | 'mlp'] as const);
  const report = await initBackend({ prefer: 'wasm' });
  console.log(formatBackendReport(report));
  // Other processes on the machine slow single-threaded wasm down as much as anything here does.
  const load = () => loadavg()[0]?.toFixed(2) ?? '?';
  console.log(`cpu: ${cpus()[0]?.model ?? '?'} x${cpus().length}, load ${load()}, node ${process.version}, batch ${BATCH}, ${seconds} s per row\n`);
  const rows: string[][] = [['model', 'setup', 'kernels', 'steps/s', 'ms/step', 'steps/cpu-s', 'steps', 'first step s', 'loss']];
  for (const modelName of models) {
    for (const setup of SETUPS) {
      if (setup.backend === 'cpu' && modelName === 'cnn' && values['skip-cpu-cnn']) continue;
      await tf.setBackend(setup.backend);
      setup.prepare();
      const result = measure(modelName, seconds, 1);
      const rate = result.steps / result.seconds;
      rows.push([
        modelName, setup.label, setup.kernels, rate.toFixed(2), (1000 / rate).toFixed(1),
        (result.steps / result.cpuSeconds).toFixed(2), `${result.steps}`,
        result.firstStepSeconds.toFixed(2), result.finalLoss.toFixed(3),
      ]);
      console.error(`done: ${modelName} / ${setup.label}: ${rate.toFixed(2)} steps/s`);
    }
  }
  registerWasmTrainingKernels();
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  console.log(`load at the end: ${load()}`);
}

await main();
