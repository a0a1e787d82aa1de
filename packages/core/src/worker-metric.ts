import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from './errors.js';
import { defineMetric, type Metric } from './metric.js';

/** A tensor's values as a worker receives them. */
export interface HostTensor {
  values: Float32Array | Int32Array | Uint8Array;
  shape: number[];
  dtype: string;
}

export interface WorkerMetricSpec {
  name: string;
  higherIsBetter: boolean;
  /** A module (path or file URL) exporting the metric as `(outputs: HostTensor, targets: HostTensor) => number | Promise<number>`. */
  module: string | URL;
  /** The export to call (default 'default'). */
  exportName?: string;
  /** Per-call time limit (ms): past it the call fails with a MetricTimeoutError and the worker is terminated. */
  timeoutMs: number;
}

/** A metric that runs in a worker thread; `close()` ends the worker. */
export interface WorkerMetric extends Metric {
  close(): Promise<void>;
}

// Runs in the worker (CommonJS, evaluated from this string, so no file has to ship beside the bundle).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = import(workerData.module).then((m) => {
  const f = m[workerData.exportName];
  if (typeof f !== 'function') throw new Error('module ' + workerData.module + ' has no function export ' + JSON.stringify(workerData.exportName));
  return f;
});
parentPort.on('message', async ({ id, outputs, targets }) => {
  try {
    const f = await ready;
    parentPort.postMessage({ id, value: await f(outputs, targets) });
  } catch (err) {
    parentPort.postMessage({ id, error: err && err.message ? err.message : String(err) });
  }
});
`;

// The worker is terminated this long after the call's own limit, so that callMetric reports the timeout first.
const GRACE_MS = 25;

/**
 * A metric evaluated in a worker thread, so that a call that never returns — a synchronous busy
 * loop included, which no in-process time limit can interrupt — is cut at `timeoutMs`: the call
 * fails with a MetricTimeoutError (naming the metric and step) and the worker is terminated; the
 * next call starts a fresh one. The outputs and targets are copied to the worker as HostTensors.
 *
 * ```ts
 * // metric.mjs: export default ({ values, shape }, targets) => errorRate(values, shape, targets.values);
 * const metric = workerMetric({ name: 'error-rate', higherIsBetter: false, module: './metric.mjs', timeoutMs: 60_000 });
 * await finetune({ ...options, metric });
 * await metric.close();
 * ```
 */
export function workerMetric(spec: WorkerMetricSpec): WorkerMetric {
  const fn = 'workerMetric';
  if (typeof spec?.module !== 'string' && !(spec?.module instanceof URL)) {
    throw new InvalidArgumentError(fn, 'module', 'a module path or file URL', describe(spec?.module));
  }
  if (!(spec.timeoutMs > 0) || !Number.isFinite(spec.timeoutMs)) {
    throw new InvalidArgumentError(fn, 'timeoutMs', 'a positive number of milliseconds', describe(spec.timeoutMs));
  }
  const href = spec.module instanceof URL ? spec.module.href : spec.module.startsWith('file:') ? spec.module : pathToFileURL(spec.module).href;
  const exportName = spec.exportName ?? 'default';
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; deadline: number; worker: Worker }>();

  /** Fails the calls in flight on `w` (on any worker when null). */
  const failAll = (w: Worker | null, error: Error) => {
    for (const [id, p] of pending) {
      if (w !== null && p.worker !== w) continue;
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(error);
    }
  };
  const stop = (w: Worker) => {
    if (worker === w) worker = null;
    void w.terminate();
  };
  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: href, exportName } });
    w.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const p = pending.get(m.id);
      if (p === undefined) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (pending.size === 0) w.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.value as number);
    });
    w.on('error', (err) => {
      stop(w);
      failAll(w, err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(w, new Error(`its worker exited with code ${code}`));
    });
    return w;
  };

  const evaluate = (outputs: tf.Tensor, targets: tf.Tensor): Promise<number> => {
    const o = hostTensor(outputs);
    const t = hostTensor(targets);
    // A call past its limit (its caller has given up: a retry) means the worker may be spinning: replace it now.
    if (worker !== null && [...pending.values()].some((p) => performance.now() >= p.deadline)) {
      const w = worker;
      stop(w);
      failAll(w, new Error('a call on the same worker ran past its time limit'));
    }
    worker ??= start();
    const w = worker;
    w.ref();
    const id = nextId++;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        // A call that did not return in time may be spinning: only terminating the thread stops it.
        stop(w);
        failAll(w, new Error('a call on the same worker ran past its time limit'));
        reject(new Error(`did not finish within ${spec.timeoutMs} ms; its worker was terminated`));
      }, spec.timeoutMs + GRACE_MS);
      pending.set(id, { resolve, reject, timer, deadline: performance.now() + spec.timeoutMs, worker: w });
      w.postMessage({ id, outputs: o, targets: t }, [o.values.buffer, t.values.buffer] as ArrayBuffer[]);
    });
  };

  const metric = defineMetric({ name: spec.name, higherIsBetter: spec.higherIsBetter, evaluate, timeoutMs: spec.timeoutMs });
  return Object.freeze({
    ...metric,
    async close() {
      failAll(null, new Error('the metric was closed'));
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  });
}

function hostTensor(t: tf.Tensor): HostTensor {
  // A copy: the worker takes ownership of the buffer.
  const values = (t.dataSync() as Float32Array | Int32Array | Uint8Array).slice();
  return { values, shape: t.shape.slice(), dtype: t.dtype };
}
