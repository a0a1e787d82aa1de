import { describe, expect, it } from 'vitest';
import { esGradient } from './es-estimate.js';
import { Rng } from './rng.js';

describe('esGradient', () => {
  it('recovers the gradient of a linear score exactly', () => {
    const w = [1, -2, 0.5];
    const sigma = 0.1;
    const rng = new Rng(2);
    const c = Float32Array.from([0.3, 0.1, -0.2]);
    const K = 200;
    const eps = Array.from({ length: K }, () => rng.normals(3));
    const deltas = [c, ...eps.map((e) => c.map((v, i) => v + sigma * e[i]!)), ...eps.map((e) => c.map((v, i) => v - sigma * e[i]!))];
    const scores = deltas.map((d) => d.reduce((s, v, i) => s + v * w[i]!, 0));
    const g = esGradient({ round: 0, step: 0, deltas, scores, metrics: scores, wholeSplit: true }, sigma);
    // E[(w·2σε) ε]/(2σ) = w; with K = 200 the estimate is within sampling error.
    g.forEach((v, i) => expect(v).toBeCloseTo(w[i]!, 0));
    // Naive reference of the same formula.
    const naive = [0, 0, 0];
    for (let k = 0; k < K; k++) for (let i = 0; i < 3; i++) naive[i]! += (scores[1 + k]! - scores[1 + K + k]!) * eps[k]![i]! / (2 * K * sigma);
    g.forEach((v, i) => expect(v).toBeCloseTo(naive[i]!, 4));
  });
});
