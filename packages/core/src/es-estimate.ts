import type { ObservationRound } from './observation.js';

/**
 * The antithetic evolution-strategies estimate of ∇δ score from one round:
 * Σ_k (s⁺_k − s⁻_k)·(δ⁺_k − δ_c) / (2Kσ²). Uses only the round's own metric calls.
 */
export function esGradient(round: ObservationRound, sigma: number): Float64Array {
  const K = (round.deltas.length - 1) / 2;
  const centre = round.deltas[0]!;
  const g = new Float64Array(centre.length);
  if (!Number.isInteger(K) || K < 1) return g;
  for (let k = 1; k <= K; k++) {
    const plus = round.deltas[k]!;
    const diff = round.scores[k]! - round.scores[k + K]!;
    for (let i = 0; i < g.length; i++) g[i]! += diff * (plus[i]! - centre[i]!);
  }
  const norm = 2 * K * sigma * sigma;
  for (let i = 0; i < g.length; i++) g[i]! /= norm;
  return g;
}
