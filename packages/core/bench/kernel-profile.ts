/**
 * Where a training step of the small CNN (core's smallCnn + a 10-way head, batch 64, 28x28x1,
 * Adam, softmax cross-entropy) spends its time on the wasm backend: CPU self time per kernel (a
 * kernel that calls other kernels is charged only its own part), summed over the timed steps.
 *
 *   cd packages/core && node --import tsx bench/kernel-profile.ts [--steps 20] [--model cnn|mlp] [--stock]
 *
 * --by-shape: one row per kernel and input shapes.
 * --stock: only the kernel a CNN needs to train at all (Conv2DBackpropFilter) instead of all of MetricOpt's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { mlpBackbone, smallCnn, withHead } from '../src/backbones/index.js';
import { initBackend } from '../src/backend/init-backend.js';
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from '../src/backend/wasm-kernels/register-wasm-training-kernels.js';
import { randomBatchStep } from './training-step.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    model: { type: 'string', default: 'cnn' },
    stock: { type: 'boolean', default: false },
    'by-shape': { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
await initBackend({ prefer: 'wasm' });
await tf.setBackend('wasm');
if (values.stock) {
  unregisterWasmTrainingKernels();
  registerWasmTrainingKernels({ kernels: ['Conv2DBackpropFilter'] });
}

// Self time per kernel name; the stack holds the time children took inside the running kernel.
const self = new Map<string, { ms: number; calls: number }>();
const childTime: number[] = [];
let timing = false;
for (const config of getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  const wrapped: KernelConfig = {
    ...config,
    kernelFunc: (args) => {
      if (!timing) return inner(args);
      childTime.push(0);
      const start = process.cpuUsage();
      try {
        return inner(args);
      } finally {
        const used = process.cpuUsage(start);
        const total = (used.user + used.system) / 1000;
        const children = childTime.pop()!;
        if (childTime.length > 0) childTime[childTime.length - 1]! += total;
        const shapes = Object.values(args.inputs).map((input) => JSON.stringify(input?.shape ?? null)).join(' ');
        const key = values['by-shape'] ? `${config.kernelName} ${shapes}` : config.kernelName;
        const entry = self.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += total - children;
        entry.calls++;
        self.set(key, entry);
      }
    },
  };
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel(wrapped);
}

const isCnn = values.model === 'cnn';
const backbone = isCnn ? smallCnn({ seed: 1 }) : mlpBackbone({ inputDim: 784, hidden: [256, 256], seed: 1 });
const model = withHead(backbone.model, { units: 10, seed: 1 });
const { step } = randomBatchStep(model, isCnn ? [28, 28, 1] : [784], 1);
step();
step();
timing = true;
const start = performance.now();
const cpu = process.cpuUsage();
for (let i = 0; i < steps; i++) step();
const wall = performance.now() - start;
const used = process.cpuUsage(cpu);
timing = false;
const kernelMs = [...self.values()].reduce((a, b) => a + b.ms, 0);
console.log(`${values.model}, ${values.stock ? 'stock + Conv2DBackpropFilter' : 'all MetricOpt kernels'}, ${steps} steps, load ${loadavg()[0]?.toFixed(2)}`);
console.log(`wall ${(wall / steps).toFixed(1)} ms/step, cpu ${((used.user + used.system) / 1000 / steps).toFixed(1)} ms/step, cpu in kernels ${(kernelMs / steps).toFixed(1)} ms/step`);
const rows = [...self.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [name, { ms, calls }] of rows) {
  if (ms / steps < 0.05) continue;
  console.log(`${name.padEnd(values['by-shape'] ? 60 : 24)} ${(ms / steps).toFixed(2).padStart(8)} ms/step  ${(calls / steps).toFixed(0).padStart(4)} calls/step  ${((100 * ms) / kernelMs).toFixed(1).padStart(5)}%`);
}
