import * as tf from '@tensorflow/tfjs-core';
import { loadBackend } from './backend-loaders.js';
import { BACKEND_NAMES } from './backend-name.js';

/** The outputs of one computation on one backend, and what it left behind. */
export interface BackendRun {
  outputs: Float32Array[];
  shapes: number[][];
  /** Tensors alive after the run minus before (the engine's count). */
  leakedTensors: number;
  /** Buffers the backend holds after the run minus before (catches kernels that skip the engine). */
  leakedBuffers: number;
}

/**
 * Loads the MetricOpt backend tfjs calls `name` ('wasm', 'cpu') if it is not registered yet, e.g.
 * when METRICOPT_BACKEND made initBackend stop at another one; the active backend stays as it was.
 */
export async function ensureBackendRegistered(name: string): Promise<void> {
  if (tf.findBackendFactory(name) !== null) return;
  const backend = BACKEND_NAMES.find((candidate) => candidate === name);
  if (backend === undefined) return;
  const previous = tf.getBackend();
  await loadBackend(backend);
  await tf.setBackend(previous);
}

/**
 * Runs `compute` inside `tf.tidy` on the backend `name` (loaded if need be), reads its outputs as
 * float32 and switches back to the backend active before. Used to check one backend's kernels
 * against another's.
 *
 * @example
 * const cpu = await runOnBackend('cpu', () => tf.conv2d(x(), w(), 1, 'same'));
 * const wasm = await runOnBackend('wasm', () => tf.conv2d(x(), w(), 1, 'same'));
 * maxScaledDifference(wasm.outputs, cpu.outputs); // ~1e-7
 */
export async function runOnBackend(name: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<BackendRun> {
  const previous = tf.getBackend();
  await ensureBackendRegistered(name);
  await tf.setBackend(name);
  try {
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    const results = tf.tidy(compute);
    const list = Array.isArray(results) ? results : [results];
    const outputs = list.map((tensor) => Float32Array.from(tensor.dataSync()));
    const shapes = list.map((tensor) => tensor.shape);
    tf.dispose(list);
    return {
      outputs,
      shapes,
      leakedTensors: tf.memory().numTensors - tensorsBefore,
      leakedBuffers: tf.engine().backend.numDataIds() - buffersBefore,
    };
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * max |a − b| / (1 + max |b|) over every output pair: an absolute error for values of order one,
 * relative for large ones (sums over many terms). Infinity when the shapes differ.
 */
export function maxScaledDifference(actual: Float32Array[], expected: Float32Array[]): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k];
    const b = expected[k];
    if (a === undefined || b === undefined || a.length !== b.length) return Number.POSITIVE_INFINITY;
    let scale = 0;
    for (const value of b) scale = Math.max(scale, Math.abs(value));
    for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + scale));
  }
  return worst;
}

/** How far a candidate backend's outputs are from a reference backend's on the same computation. */
export interface BackendComparison {
  /** `maxScaledDifference(candidate, reference)`. */
  difference: number;
  shapesMatch: boolean;
  /** Tensors and backend buffers the candidate run left behind. */
  leaked: { tensors: number; buffers: number };
}

/**
 * Runs `compute` on the reference backend (default cpu) and on the candidate (default wasm) and
 * compares them.
 *
 * @example
 * const { difference } = await compareBackends(() => tf.grad((w) => tf.sum(tf.conv2d(x(), w, 2, 'same')))(w0()));
 * difference; // ~1e-7 on wasm with MetricOpt's kernels
 */
export async function compareBackends(
  compute: () => tf.Tensor | tf.Tensor[],
  backends: { reference?: string; candidate?: string } = {},
): Promise<BackendComparison> {
  const reference = await runOnBackend(backends.reference ?? 'cpu', compute);
  const candidate = await runOnBackend(backends.candidate ?? 'wasm', compute);
  return {
    difference: maxScaledDifference(candidate.outputs, reference.outputs),
    shapesMatch: JSON.stringify(candidate.shapes) === JSON.stringify(reference.shapes),
    leaked: { tensors: candidate.leakedTensors, buffers: candidate.leakedBuffers },
  };
}
