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
  /** Told of every failed call (the error names the metric and step), before it is retried or the run stops. */
  onFault?: (error: MetricError, attempt: number) => void;
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
          probe.onFault?.(err, attempt);
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
  /**
   * Guided exploration: a share α of every perturbation's variance goes to the span of these
   * directions (δ coordinates; orthonormalised here, zero or dependent ones dropped), the rest stays
   * isotropic: ε = √(1−α)·z + √(α·d/k)·U·w, so E‖ε‖² = d as without a guide. Absent: ε ~ N(0, I).
   */
  guide?: { directions: ArrayLike<number>[]; share: number };
  /** 1 where δ may be perturbed, 0 where not (applied to ε after the guide; absent: everywhere). */
  mask?: ArrayLike<number> | null;
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
  const basis = opts.guide && opts.guide.share > 0 ? orthonormalBasis(opts.guide.directions, view.size) : [];
  const share = basis.length > 0 ? Math.min(1, Math.max(0, opts.guide!.share)) : 0;
  for (let k = 0; k < opts.perturbations; k++) {
    const e = rng.normals(view.size);
    if (share > 0) {
      const iso = Math.sqrt(1 - share);
      const sub = Math.sqrt((share * view.size) / basis.length);
      for (let i = 0; i < e.length; i++) e[i] = iso * e[i]!;
      for (const u of basis) {
        const w = sub * rng.normal();
        for (let i = 0; i < e.length; i++) e[i] = e[i]! + w * u[i]!;
      }
    }
    if (opts.mask) for (let i = 0; i < e.length; i++) e[i] = e[i]! * opts.mask[i]!;
    eps.push(e);
  }
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

/** Gram–Schmidt over `directions` (length `size` each): unit, mutually orthogonal; near-zero or dependent ones are dropped. */
export function orthonormalBasis(directions: readonly ArrayLike<number>[], size: number): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const d of directions) {
    if (d.length !== size) continue;
    const v = Float64Array.from(d as ArrayLike<number>);
    let before = 0;
    for (let i = 0; i < size; i++) before += v[i]! * v[i]!;
    if (!(before > 0) || !Number.isFinite(before)) continue;
    for (const u of basis) {
      let dot = 0;
      for (let i = 0; i < size; i++) dot += v[i]! * u[i]!;
      for (let i = 0; i < size; i++) v[i] = v[i]! - dot * u[i]!;
    }
    let after = 0;
    for (let i = 0; i < size; i++) after += v[i]! * v[i]!;
    // A direction mostly inside the span already adds nothing but rounding noise.
    if (!(after > 1e-6 * before)) continue;
    const n = Math.sqrt(after);
    for (let i = 0; i < size; i++) v[i] = v[i]! / n;
    basis.push(v);
  }
  return basis;
}
