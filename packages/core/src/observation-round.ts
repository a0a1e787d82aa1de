import * as tf from '@tensorflow/tfjs-core';
import { MetricError } from './errors.js';
import { callMetric, toScore, type Metric } from './metric.js';
import type { ObservationRound } from './observation.js';
import type { ParamView } from './param-view.js';
import type { Rng } from './rng.js';

export interface MetricProbe {
  metric: Metric;
  /** Maps cached features to model outputs with the current φ. */
  head: (features: tf.Tensor) => tf.Tensor;
  timeoutMs?: number;
  retries?: number;
  /** Seconds spent in head forwards and metric calls, accumulated. */
  seconds: number;
  calls: number;
}

/** Evaluates the metric at the current φ on (features, targets), retrying failures as configured. */
export async function probeMetric(probe: MetricProbe, features: tf.Tensor, targets: tf.Tensor, step: number): Promise<number> {
  const started = performance.now();
  try {
    const outputs = tf.tidy(() => probe.head(features));
    try {
      let lastError: unknown;
      for (let attempt = 0; attempt <= (probe.retries ?? 0); attempt++) {
        probe.calls++;
        try {
          return await callMetric(probe.metric, outputs, targets, step, probe.timeoutMs);
        } catch (err) {
          if (!(err instanceof MetricError)) throw err;
          lastError = err;
        }
      }
      throw lastError;
    } finally {
      outputs.dispose();
    }
  } finally {
    probe.seconds += (performance.now() - started) / 1000;
  }
}

export interface RoundOptions {
  round: number;
  step: number;
  /** K antithetic pairs: the round makes 2K + 1 metric calls. */
  perturbations: number;
  sigma: number;
  wholeSplit: boolean;
}

/**
 * An observation round: the metric at the current δ and at δ ± σ·ε_k (ε_k ~ N(0, I) from `rng`),
 * every call on the same data (common random numbers). φ is left as it was found.
 */
export async function observeRound(
  view: ParamView,
  probe: MetricProbe,
  features: tf.Tensor,
  targets: tf.Tensor,
  rng: Rng,
  opts: RoundOptions,
): Promise<ObservationRound> {
  const centrePhi = view.read();
  const centre = view.toDelta(centrePhi);
  const deltas: Float32Array[] = [centre];
  const eps: Float32Array[] = [];
  for (let k = 0; k < opts.perturbations; k++) eps.push(rng.normals(view.size));
  for (const sign of [1, -1]) {
    for (const e of eps) {
      const d = new Float32Array(view.size);
      for (let i = 0; i < d.length; i++) d[i] = centre[i]! + sign * opts.sigma * e[i]!;
      deltas.push(d);
    }
  }
  const metrics: number[] = [];
  try {
    for (let i = 0; i < deltas.length; i++) {
      if (i > 0) view.setDelta(deltas[i]!);
      metrics.push(await probeMetric(probe, features, targets, opts.step));
    }
  } finally {
    view.write(centrePhi);
  }
  return {
    round: opts.round,
    step: opts.step,
    deltas,
    metrics,
    scores: metrics.map((m) => toScore(probe.metric, m)),
    wholeSplit: opts.wholeSplit,
  };
}
