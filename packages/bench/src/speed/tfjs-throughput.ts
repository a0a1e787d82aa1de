import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@metricopt/core';
import { SPEED_BATCH, SPEED_MODELS, type SpeedModelName } from './speed-models.js';

/** One timed stretch of training steps (after an untimed first step). */
export interface ThroughputRun {
  steps: number;
  wallSeconds: number;
  /** CPU time of the whole process over the same steps (process.cpuUsage / time.process_time). */
  cpuSeconds: number;
  firstStepSeconds: number;
  /** The loss after the last step. */
  loss: number;
}

export interface ThroughputOptions {
  /** Keep stepping until this many seconds have passed … */
  seconds: number;
  /** … and at least this many steps were timed (default 1). */
  minSteps?: number;
  /** Seeds the weights, the inputs and the labels (default 1). */
  seed?: number;
}

/**
 * Trains `model` on the active tfjs backend: batch 64 of fixed seeded random inputs and labels,
 * softmax cross-entropy, Adam 1e-3, the loss read back every step (as PyTorch's `loss.item()`).
 * The first step (kernel set-up, operator caches) is timed apart.
 *
 * ```ts
 * const run = measureTfjsThroughput('mlp', { seconds: 1 });
 * run.steps / run.cpuSeconds;   // steps per CPU-second
 * ```
 */
export function measureTfjsThroughput(model: SpeedModelName, options: ThroughputOptions): ThroughputRun {
  const spec = SPEED_MODELS[model];
  const seed = options.seed ?? 1;
  const rng = new Rng(seed);
  const net = spec.build(seed);
  const optimizer = tf.train.adam(1e-3);
  const size = SPEED_BATCH * spec.inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(Float32Array.from({ length: size }, () => rng.next()), [SPEED_BATCH, ...spec.inputShape]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: SPEED_BATCH }, () => rng.int(10)), 'int32'), 10));
  const step = (): number => {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, net.apply(x, { training: true }) as tf.Tensor), true);
    const loss = cost?.dataSync()[0] ?? Number.NaN;
    cost?.dispose();
    return loss;
  };
  try {
    const first = performance.now();
    let loss = step();
    const firstStepSeconds = (performance.now() - first) / 1000;
    const minSteps = options.minSteps ?? 1;
    let steps = 0;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    while (steps < minSteps || (performance.now() - start) / 1000 < options.seconds) {
      loss = step();
      steps++;
    }
    const wallSeconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    return { steps, wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, firstStepSeconds, loss };
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
    net.dispose();
  }
}

/**
 * Threads the active tfjs backend computes with: the wasm module's own count (1 in Node, where
 * tfjs has no wasm threads), 1 for the cpu backend, every core for libtensorflow (tfjs-node).
 */
export function tfjsThreads(cores: number): number {
  const name = tf.getBackend();
  if (name === 'wasm') {
    const module = (tf.backend() as unknown as { wasm?: { _get_threads_count?: () => number } }).wasm;
    return module?._get_threads_count?.() ?? 1;
  }
  return name === 'cpu' ? 1 : cores;
}
