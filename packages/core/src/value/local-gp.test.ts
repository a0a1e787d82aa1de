import { describe, expect, it } from 'vitest';
import type { ObservationRound } from '../observation.js';
import { Rng } from '../rng.js';
import { LocalGP } from './local-gp.js';
import { cosine, landscapeRounds, quadratic } from './synthetic-rounds.js';

const rbf = (u: ArrayLike<number>, v: ArrayLike<number>, ell: number) => {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i]! - v[i]!) ** 2;
  return Math.exp(-s / (2 * ell * ell));
};

/** Gaussian elimination: x with A·x = b and log|det A| (A as nested arrays, copied). */
function solveNaive(a: number[][], b: number[]): { x: number[]; logDet: number } {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    logDet += Math.log(Math.abs(m[c]![c]!));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return { x, logDet };
}

/** The GP of METHOD.md written plainly: every (multiplier, noise), the log marginal likelihood, the best, and its posterior mean. */
function naiveGP(rounds: ObservationRound[], mults: number[], noises: number[]) {
  const obs: { a: Float32Array; c: Float32Array; y: number }[] = [];
  for (const r of rounds) for (let i = 1; i < r.deltas.length; i++) obs.push({ a: r.deltas[i]!, c: r.deltas[0]!, y: r.scores[i]! - r.scores[0]! });
  const n = obs.length;
  const pn = obs.reduce((s, o) => s + Math.sqrt(Array.from(o.a).reduce((t, v, i) => t + (v - o.c[i]!) ** 2, 0)), 0) / n;
  const mean = obs.reduce((s, o) => s + o.y, 0) / n;
  const ys = Math.sqrt(obs.reduce((s, o) => s + (o.y - mean) ** 2, 0) / (n - 1));
  const y = obs.map((o) => o.y / ys);
  const all: { mult: number; noise: number; ml: number; ell: number; sc: number; alpha: number[] }[] = [];
  for (const mult of mults) {
    const ell = mult * pn;
    const kd = obs.map((p) => obs.map((q) => rbf(p.a, q.a, ell) - rbf(p.a, q.c, ell) - rbf(p.c, q.a, ell) + rbf(p.c, q.c, ell)));
    const sc = kd.reduce((s, row, i) => s + row[i]!, 0) / n;
    for (const noise of noises) {
      const ky = kd.map((row, i) => row.map((v, j) => v / sc + (i === j ? noise : 0)));
      const { x, logDet } = solveNaive(ky, y);
      const ml = -0.5 * y.reduce((s, v, i) => s + v * x[i]!, 0) - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
      all.push({ mult, noise, ml, ell, sc, alpha: x });
    }
  }
  const best = all.reduce((b, c) => (c.ml > b.ml ? c : b));
  const mean0 = (x: Float32Array) => obs.reduce((s, o, j) => s + (best.alpha[j]! * (rbf(x, o.a, best.ell) - rbf(x, o.c, best.ell)) * ys) / best.sc, 0);
  return { best, all, mean: mean0 };
}

describe('LocalGP', () => {
  it.each([
    { seed: 1, noise: 0 },
    { seed: 2, noise: 0.05 },
    { seed: 3, noise: 1 },
    { seed: 4, noise: 10 },
  ])('picks the hyperparameters and posterior mean of a naive marginal-likelihood loop (seed $seed, noise $noise)', ({ seed, noise }) => {
    const rng = new Rng(seed);
    const q = quadratic(6, rng);
    const rounds = landscapeRounds({ f: q.f, grad: q.grad, dim: 6, rounds: 5, rng, noise, sigma: 0.3 });
    const gp = new LocalGP();
    gp.fit(rounds);
    const ref = naiveGP(rounds, [2, 5, 20], [0.1, 0.3, 1]);
    const h = gp.hyperparameters!;
    expect(h.multiplier).toBe(ref.best.mult);
    expect(h.noise).toBe(ref.best.noise);
    expect(h.logMarginalLikelihood).toBeCloseTo(ref.best.ml, 8);
    expect(h.observations).toBe(40);
    const probes = [rounds[4]!.deltas[0]!, rng.normals(6), rounds[2]!.deltas[3]!];
    const got = gp.predict(probes);
    probes.forEach((x, i) => expect(got[i]).toBeCloseTo(ref.mean(x), 8));
  });

  it('the chosen hyperparameters depend on the data (not a fixed corner of the grid)', () => {
    const chosen = new Set<string>();
    for (const [seed, noise] of [[1, 0], [4, 10], [5, 0.5], [6, 3]] as const) {
      const rng = new Rng(seed);
      const q = quadratic(6, rng);
      const gp = new LocalGP();
      gp.fit(landscapeRounds({ f: q.f, grad: q.grad, dim: 6, rounds: 5, rng, noise, sigma: 0.3 }));
      chosen.add(`${gp.hyperparameters!.multiplier}/${gp.hyperparameters!.noise}`);
    }
    expect(chosen.size).toBeGreaterThan(1);
  });

  it.each([false, true])('gradient matches central finite differences of predict (with a prior: %s)', (withPrior) => {
    const rng = new Rng(7);
    const dim = 5;
    const q = quadratic(dim, rng);
    const prior = {
      predict: (pts: Float32Array[]) => Float64Array.from(pts, (p) => Math.sin(p[0]!) + 0.5 * p[1]! * p[2]!),
      gradient: (d: ArrayLike<number>) => Float64Array.from({ length: dim }, (_, i) => (i === 0 ? Math.cos(d[0]!) : i === 1 ? 0.5 * d[2]! : i === 2 ? 0.5 * d[1]! : 0)),
    };
    const gp = new LocalGP(withPrior ? { prior } : {});
    gp.fit(landscapeRounds({ f: q.f, grad: q.grad, dim, rounds: 6, rng, noise: 0.02, sigma: 0.2 }));
    const x = Float32Array.from(rng.normals(dim), (v) => 0.3 * v);
    const g = gp.gradient(x);
    const h = 2 ** -10;
    for (let i = 0; i < dim; i++) {
      const xp = Float32Array.from(x);
      const xm = Float32Array.from(x);
      xp[i] = xp[i]! + h;
      xm[i] = xm[i]! - h;
      const [vp, vm] = gp.predict([xp, xm]);
      const fd = (vp! - vm!) / (xp[i]! - xm[i]!);
      expect(g[i]).toBeCloseTo(fd, 4);
    }
  });

  it('with a prior, models the residuals: predict = prior + a GP fitted on scores minus the prior', () => {
    const rng = new Rng(8);
    const dim = 4;
    const q = quadratic(dim, rng);
    const rounds = landscapeRounds({ f: q.f, grad: q.grad, dim, rounds: 5, rng, noise: 0.1, sigma: 0.2 });
    const p = (x: Float32Array) => 0.7 * x[0]! - x[1]! * x[1]!;
    const prior = {
      predict: (pts: Float32Array[]) => Float64Array.from(pts, p),
      gradient: (d: ArrayLike<number>) => Float64Array.from({ length: dim }, (_, i) => (i === 0 ? 0.7 : i === 1 ? -2 * d[1]! : 0)),
    };
    const withPrior = new LocalGP({ prior });
    withPrior.fit(rounds);
    const residual = new LocalGP();
    residual.fit(rounds.map((r) => ({ ...r, scores: r.scores.map((s, i) => s - p(r.deltas[i]!)) })));
    const probes = [rng.normals(dim), rounds[3]!.deltas[2]!];
    const a = withPrior.predict(probes);
    const b = residual.predict(probes);
    probes.forEach((x, i) => expect(a[i]).toBeCloseTo(b[i]! + p(x), 10));
    const ga = withPrior.gradient(probes[0]!);
    const gb = residual.gradient(probes[0]!);
    const gp0 = prior.gradient(probes[0]!);
    for (let i = 0; i < dim; i++) expect(ga[i]).toBeCloseTo(gb[i]! + gp0[i]!, 10);
  });

  it('asks the prior only about points it has not seen, until invalidatePrior()', () => {
    const rng = new Rng(12);
    const q = quadratic(4, rng);
    const rounds = landscapeRounds({ f: q.f, grad: q.grad, dim: 4, rounds: 4, rng, noise: 0.1 });
    let calls = 0;
    let bias = 0;
    const prior = {
      predict: (pts: Float32Array[]) => {
        calls += pts.length;
        return Float64Array.from(pts, (p) => p[0]! * (1 + bias));
      },
      gradient: () => Float64Array.of(1 + bias, 0, 0, 0),
    };
    const gp = new LocalGP({ prior, window: 3 });
    for (let r = 1; r <= 4; r++) gp.fit(rounds.slice(0, r));
    expect(calls).toBe(4 * 9);
    bias = 1;
    gp.invalidatePrior();
    gp.fit(rounds);
    expect(calls).toBe(4 * 9 + 3 * 9);
    const fresh = new LocalGP({ prior, window: 3 });
    fresh.fit(rounds);
    const x = rng.normals(4);
    expect(Array.from(gp.gradient(x))).toEqual(Array.from(fresh.gradient(x)));
  });

  it('on a noisy quadratic landscape (D = 300) the gradient points uphill', () => {
    const rng = new Rng(9);
    const dim = 300;
    const q = quadratic(dim, rng);
    const start = Float32Array.from(rng.normals(dim), (v) => 0.5 * v);
    // Noise about a third of the spread of a round's differences.
    const rounds = landscapeRounds({ f: q.f, grad: q.grad, dim, rounds: 30, rng, noise: 0.3, sigma: 0.1, start, step: 0.01 });
    const gp = new LocalGP();
    gp.fit(rounds);
    const centre = rounds[29]!.deltas[0]!;
    const c = cosine(gp.gradient(centre), q.grad(centre));
    // Seeds 1–10 give 0.20–0.37 here (a linear fit of 240 differences in 300 dimensions cannot do much better).
    expect(c).toBeGreaterThan(0.15);
  });

  it('fits on the last `window` rounds only, and reuses cached distances exactly', () => {
    const rng = new Rng(10);
    const q = quadratic(8, rng);
    const rounds = landscapeRounds({ f: q.f, grad: q.grad, dim: 8, rounds: 12, rng, noise: 0.1 });
    const incremental = new LocalGP({ window: 5 });
    for (let r = 1; r <= rounds.length; r++) incremental.fit(rounds.slice(0, r));
    const fresh = new LocalGP({ window: 5 });
    fresh.fit(rounds.slice(7).map((r) => ({ ...r, deltas: r.deltas.map((d) => Float32Array.from(d)) })));
    const x = rng.normals(8);
    expect(Array.from(incremental.gradient(x))).toEqual(Array.from(fresh.gradient(x)));
    expect(incremental.hyperparameters).toEqual(fresh.hyperparameters);
  });

  it('is zero (or the prior) before a fit and when no difference is informative', () => {
    const gp = new LocalGP();
    expect(gp.fitted).toBe(false);
    expect(Array.from(gp.gradient([1, 2, 3]))).toEqual([0, 0, 0]);
    expect(Array.from(gp.predict([new Float32Array(3)]))).toEqual([0]);
    const same = new Float32Array(3);
    gp.fit([{ round: 0, step: 0, deltas: [same, same, same], metrics: [0, 1, 2], scores: [0, 1, 2], wholeSplit: true }]);
    expect(gp.fitted).toBe(false);
    gp.fit([{ round: 0, step: 0, deltas: [same], metrics: [0], scores: [0], wholeSplit: true }]);
    expect(gp.fitted).toBe(false);
  });

  it('rejects bad options and points of the wrong dimension, naming the argument', () => {
    expect(() => new LocalGP({ window: 0 })).toThrow(/'options.window' passed to LocalGP must be a positive integer, got 0/);
    expect(() => new LocalGP({ noiseGrid: [] })).toThrow(/'options.noiseGrid'/);
    expect(() => new LocalGP({ lengthscaleMultipliers: [2, -1] })).toThrow(/'options.lengthscaleMultipliers'/);
    const rng = new Rng(11);
    const q = quadratic(3, rng);
    const gp = new LocalGP();
    gp.fit(landscapeRounds({ f: q.f, dim: 3, rounds: 2, rng }));
    expect(() => gp.gradient([1, 2])).toThrow(/'delta' passed to LocalGP.gradient must be points of dimension 3/);
    expect(() => gp.predict([new Float32Array(4)])).toThrow(/'points'/);
  });
});
