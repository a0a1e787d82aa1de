import { Rng, type ObservationRound } from '@metricopt/core';

/**
 * Rounds of a noisy quadratic landscape in `dim` coordinates (5 points each, the centre drifting),
 * the observations the value-function state and value-net fuzz seeds are trained on.
 *
 * ```ts
 * valueFunction.addRound(landscape(layout.size, 6, 4)[0]!);
 * ```
 */
export function landscape(dim: number, rounds: number, seed: number): ObservationRound[] {
  const rng = new Rng(seed);
  const out: ObservationRound[] = [];
  const centre = new Float32Array(dim);
  for (let r = 0; r < rounds; r++) {
    const deltas = [Float32Array.from(centre)];
    for (let k = 0; k < 4; k++) deltas.push(Float32Array.from(centre, (c) => c + 0.1 * rng.normal()));
    const metrics = deltas.map((d) => d.reduce((s, v, i) => s + (v - (i % 3) * 0.1) ** 2, 0) + 0.01 * rng.normal());
    out.push({ round: r, step: 5 * r, deltas, metrics, scores: metrics.map((m) => -m), wholeSplit: true });
    for (let i = 0; i < dim; i++) centre[i] = centre[i]! + 0.02 * rng.normal();
  }
  return out;
}
