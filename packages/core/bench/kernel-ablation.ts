/**
 * What each of MetricOpt's faster wasm kernels saves on a training step of the small CNN (core's
 * smallCnn + a 10-unit head, batch 64, Adam): CPU ms per step with every kernel, and with all but
 * one (that one back to the stock kernel). Configurations alternate round by round, so a load that
 * drifts over the run weighs on all of them alike; medians over rounds.
 *
 *   cd packages/core && node --import tsx bench/kernel-ablation.ts [--rounds 5] [--steps 3] [--model cnn|mlp]
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { mlpBackbone, smallCnn, withHead } from '../src/backbones/index.js';
import { initBackend } from '../src/backend/init-backend.js';
import {
  FASTER_WASM_KERNELS,
  MISSING_WASM_KERNELS,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from '../src/backend/wasm-kernels/register-wasm-training-kernels.js';
import { randomBatchStep } from './training-step.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '3' }, model: { type: 'string', default: 'cnn' } },
});
const [rounds, steps] = [Number(values.rounds), Number(values.steps)];
await initBackend({ prefer: 'wasm' });
await tf.setBackend('wasm');

const all = [...MISSING_WASM_KERNELS, ...FASTER_WASM_KERNELS].map((config) => config.kernelName);
const configs = [{ label: 'all kernels', kernels: all }, ...FASTER_WASM_KERNELS.map(({ kernelName }) => ({
  label: `stock ${kernelName}`, kernels: all.filter((name) => name !== kernelName),
}))];

const isCnn = values.model === 'cnn';
const model = withHead((isCnn ? smallCnn({ seed: 1 }) : mlpBackbone({ inputDim: 784, hidden: [256, 256], seed: 1 })).model, { units: 10, seed: 1 });
const { step } = randomBatchStep(model, isCnn ? [28, 28, 1] : [784], 1);

const samples = new Map<string, number[]>(configs.map((c) => [c.label, []]));
const loadBefore = loadavg()[0]!;
for (let round = 0; round < rounds; round++) {
  for (const config of configs) {
    unregisterWasmTrainingKernels();
    registerWasmTrainingKernels({ kernels: config.kernels });
    step();
    const start = process.cpuUsage();
    for (let i = 0; i < steps; i++) step();
    const used = process.cpuUsage(start);
    samples.get(config.label)!.push((used.user + used.system) / 1000 / steps);
  }
}
registerWasmTrainingKernels();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const base = median(samples.get('all kernels')!);
console.log(`${values.model}: CPU ms per training step, median of ${rounds} rounds of ${steps} steps; load ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
for (const config of configs) {
  const m = median(samples.get(config.label)!);
  const delta = config.label === 'all kernels' ? '' : `  (${m - base >= 0 ? '+' : ''}${(m - base).toFixed(1)} ms without it)`;
  console.log(`${config.label.padEnd(30)} ${m.toFixed(1).padStart(7)}${delta}`);
}
