import { InvalidArgumentError, describe } from '../errors.js';
import type { ObservationRound } from '../observation.js';
import { tryCholesky } from './cholesky.js';

/** A prior mean for the GP, in score units (a GlobalValueNet is one). */
export interface ValuePrior {
  predict(points: Float32Array[]): Float64Array;
  gradient(delta: ArrayLike<number>): Float64Array;
}

export interface LocalGPOptions {
  /** Fit on the last this many rounds (default 30). */
  window?: number;
  /** Lengthscale grid, as multiples of the mean perturbation norm (default [2, 5, 20]). */
  lengthscaleMultipliers?: number[];
  /** Noise variance grid, relative to the normalised kernel (default [0.1, 0.3, 1.0]). */
  noiseGrid?: number[];
  /** A prior mean: the GP then models what it gets wrong (observed difference − prior difference). */
  prior?: ValuePrior | null;
}

/** What the marginal likelihood chose, and the scales around it. */
export interface LocalGPHyperparameters {
  lengthscale: number;
  /** The lengthscale multiplier that was chosen. */
  multiplier: number;
  noise: number;
  /** Mean diagonal of the differenced kernel: the kernel is divided by it. */
  kernelScale: number;
  /** The targets are divided by this (their standard deviation). */
  targetScale: number;
  perturbationNorm: number;
  /** log p(y | hyperparameters) of the standardised targets. */
  logMarginalLikelihood: number;
  observations: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * V_local: a Gaussian process over δ fitted on within-round differences. Each round contributes
 * the observations `score_i − score_centre` of V(a_i) − V(c); an observation of a difference
 * uses the differenced RBF kernel k(a,c) − k(a,d) − k(b,c) + k(b,d). Lengthscale and noise come
 * from small grids by marginal likelihood; `predict` is the posterior mean of V (up to a
 * constant) and `gradient` its closed-form gradient in δ.
 *
 * Squared distances between points, and the prior's values at them, are cached across fits by
 * the identity of their Float32Arrays: a round's `deltas` must not be changed in place after it
 * is given to `fit`, and `invalidatePrior()` must be called when the prior changes.
 *
 * ```ts
 * const gp = new LocalGP({ window: 30 });
 * gp.fit(buffer.rounds);
 * const g = gp.gradient(params.delta());   // ascent direction of V in δ
 * gp.hyperparameters?.lengthscale;        // e.g. 5 × the mean perturbation norm
 * ```
 */
export class LocalGP {
  readonly window: number;
  readonly lengthscaleMultipliers: readonly number[];
  readonly noiseGrid: readonly number[];
  readonly prior: ValuePrior | null;

  private dim = -1;
  /** The fitted points and their weights: mean(x) = Σ_p weight_p · exp(−|x − X_p|² / 2ℓ²). */
  private points: Float32Array[] = [];
  private weights = new Float64Array(0);
  private hyper: LocalGPHyperparameters | null = null;
  private cache: { points: Float32Array[]; sqdist: Float64Array } = { points: [], sqdist: new Float64Array(0) };
  private priorCache = new Map<Float32Array, number>();

  constructor(options: LocalGPOptions = {}) {
    const window = options.window ?? 30;
    if (!Number.isInteger(window) || window < 1) {
      throw new InvalidArgumentError('LocalGP', 'options.window', 'a positive integer', describe(window));
    }
    this.window = window;
    this.lengthscaleMultipliers = checkGrid('options.lengthscaleMultipliers', options.lengthscaleMultipliers ?? [2, 5, 20]);
    this.noiseGrid = checkGrid('options.noiseGrid', options.noiseGrid ?? [0.1, 0.3, 1.0]);
    const prior = options.prior ?? null;
    if (prior !== null && (typeof prior.predict !== 'function' || typeof prior.gradient !== 'function')) {
      throw new InvalidArgumentError('LocalGP', 'options.prior', 'an object with predict(points) and gradient(delta)', describe(prior));
    }
    this.prior = prior;
  }

  /** True once a fit found at least one informative difference. */
  get fitted(): boolean {
    return this.hyper !== null;
  }

  /** The chosen hyperparameters (null before a successful fit). */
  get hyperparameters(): LocalGPHyperparameters | null {
    return this.hyper === null ? null : { ...this.hyper };
  }

  /** Refits on the last `window` rounds (earlier ones are ignored). With no informative difference the GP is reset to the prior. */
  fit(rounds: readonly ObservationRound[]): void {
    if (!Array.isArray(rounds)) throw new InvalidArgumentError('LocalGP.fit', 'rounds', 'an array of observation rounds', describe(rounds));
    const used = rounds.slice(Math.max(0, rounds.length - this.window));
    const points: Float32Array[] = [];
    const obsA: number[] = [];
    const obsC: number[] = [];
    const diffs: number[] = [];
    for (const r of used) {
      if (!r || !Array.isArray(r.deltas) || r.deltas.length < 1 || r.scores?.length !== r.deltas.length) {
        throw new InvalidArgumentError('LocalGP.fit', 'rounds', 'rounds with one score per delta', describe(r?.deltas));
      }
      const c = points.length;
      for (const d of r.deltas) {
        if (!(d instanceof Float32Array)) throw new InvalidArgumentError('LocalGP.fit', 'round.deltas', 'Float32Arrays', describe(d));
        if (points.length === 0 && c === 0) this.dim = d.length;
        if (d.length !== this.dim) {
          throw new InvalidArgumentError('LocalGP.fit', 'round.deltas', `points of dimension ${this.dim}`, describe(d));
        }
        points.push(d);
      }
      for (let i = 1; i < r.deltas.length; i++) {
        obsA.push(c + i);
        obsC.push(c);
        diffs.push(r.scores[i]! - r.scores[0]!);
      }
    }
    this.reset();
    if (points.length === 0) return;
    const nPts = points.length;
    const sqdist = this.squaredDistances(points);
    const n = diffs.length;
    const y = Float64Array.from(diffs);
    if (this.prior !== null && n > 0) {
      const p = this.priorAt(points);
      for (let j = 0; j < n; j++) y[j] = y[j]! - (p[obsA[j]!]! - p[obsC[j]!]!);
    }
    let pn = 0;
    for (let j = 0; j < n; j++) pn += Math.sqrt(sqdist[obsA[j]! * nPts + obsC[j]!]!);
    pn = n > 0 ? pn / n : 0;
    if (n === 0 || !(pn > 0)) return;
    const ys = targetScale(y);
    for (let j = 0; j < n; j++) y[j] = y[j]! / ys;

    const kPts = new Float64Array(nPts * nPts);
    const kd = new Float64Array(n * n);
    const ky = new Float64Array(n * n);
    let best: { hyper: LocalGPHyperparameters; alpha: Float64Array } | null = null;
    for (const mult of this.lengthscaleMultipliers) {
      const ell = mult * pn;
      const inv = -0.5 / (ell * ell);
      for (let i = 0; i < kPts.length; i++) kPts[i] = Math.exp(sqdist[i]! * inv);
      let diag = 0;
      for (let j = 0; j < n; j++) {
        const a = obsA[j]! * nPts;
        const c = obsC[j]! * nPts;
        for (let l = 0; l < n; l++) {
          const b = obsA[l]!;
          const d = obsC[l]!;
          kd[j * n + l] = kPts[a + b]! - kPts[a + d]! - kPts[c + b]! + kPts[c + d]!;
        }
        diag += kd[j * n + j]!;
      }
      const sc = diag / n;
      if (!(sc > 0)) continue;
      for (const noise of this.noiseGrid) {
        for (let i = 0; i < kd.length; i++) ky[i] = kd[i]! / sc;
        for (let j = 0; j < n; j++) ky[j * n + j] = ky[j * n + j]! + noise;
        const f = tryCholesky(ky, n);
        if (f === null) continue;
        const alpha = f.solve(y);
        let fit = 0;
        for (let j = 0; j < n; j++) fit += y[j]! * alpha[j]!;
        const ml = -0.5 * fit - 0.5 * f.logDeterminant() - 0.5 * n * LOG_2PI;
        if (best === null || ml > best.hyper.logMarginalLikelihood) {
          best = {
            hyper: { lengthscale: ell, multiplier: mult, noise, kernelScale: sc, targetScale: ys, perturbationNorm: pn, logMarginalLikelihood: ml, observations: n },
            alpha,
          };
        }
      }
    }
    if (best === null) return;
    // Fold each observation's α onto its two points: mean(x) = Σ_j α_j (k(x,a_j) − k(x,c_j)) · ys / sc.
    const w = new Float64Array(nPts);
    const unit = best.hyper.targetScale / best.hyper.kernelScale;
    for (let j = 0; j < n; j++) {
      const aj = best.alpha[j]! * unit;
      w[obsA[j]!] = w[obsA[j]!]! + aj;
      w[obsC[j]!] = w[obsC[j]!]! - aj;
    }
    this.points = points;
    this.weights = w;
    this.hyper = best.hyper;
  }

  /** The posterior mean of V at each point (score units, up to a constant); the prior alone before a fit. */
  predict(points: Float32Array[]): Float64Array {
    if (!Array.isArray(points)) throw new InvalidArgumentError('LocalGP.predict', 'points', 'an array of Float32Arrays', describe(points));
    const out = this.prior !== null && points.length > 0 ? Float64Array.from(this.prior.predict(points)) : new Float64Array(points.length);
    if (this.hyper === null) return out;
    const inv = -0.5 / (this.hyper.lengthscale * this.hyper.lengthscale);
    points.forEach((x, i) => {
      this.checkPoint('LocalGP.predict', 'points', x);
      let s = 0;
      for (let p = 0; p < this.points.length; p++) s += this.weights[p]! * Math.exp(squaredDistance(x, this.points[p]!) * inv);
      out[i] = out[i]! + s;
    });
    return out;
  }

  /** ∇δ of the posterior mean, in closed form (plus the prior's gradient); zeros (or the prior's) before a fit. */
  gradient(delta: ArrayLike<number>): Float64Array {
    if (delta === null || typeof delta !== 'object' || typeof delta.length !== 'number') {
      throw new InvalidArgumentError('LocalGP.gradient', 'delta', 'a flat vector', describe(delta));
    }
    if (this.hyper !== null) this.checkPoint('LocalGP.gradient', 'delta', delta);
    const g = this.prior !== null ? Float64Array.from(this.prior.gradient(delta)) : new Float64Array(delta.length);
    if (this.hyper === null) return g;
    const ell2 = this.hyper.lengthscale * this.hyper.lengthscale;
    // ∇ Σ_p w_p k(x, X_p) = Σ_p c_p (X_p − x) with c_p = w_p k(x, X_p) / ℓ².
    let total = 0;
    for (let p = 0; p < this.points.length; p++) {
      const xp = this.points[p]!;
      const c = (this.weights[p]! * Math.exp(-0.5 * squaredDistance(delta, xp) / ell2)) / ell2;
      if (c === 0) continue;
      total += c;
      for (let i = 0; i < g.length; i++) g[i] = g[i]! + c * xp[i]!;
    }
    for (let i = 0; i < g.length; i++) g[i] = g[i]! - total * delta[i]!;
    return g;
  }

  /** Forgets the cached prior values: call it after the prior itself changed (e.g. the global net was retrained). */
  invalidatePrior(): void {
    this.priorCache = new Map();
  }

  /** The prior at the points, computing it only for points not seen in the previous fit (a network forward is costly). */
  private priorAt(points: Float32Array[]): Float64Array {
    const fresh = [...new Set(points.filter((p) => !this.priorCache.has(p)))];
    const values = fresh.length > 0 ? this.prior!.predict(fresh) : new Float64Array(0);
    const next = new Map<Float32Array, number>();
    fresh.forEach((p, i) => next.set(p, values[i]!));
    const out = Float64Array.from(points, (p) => next.get(p) ?? this.priorCache.get(p)!);
    for (const p of points) next.set(p, next.get(p) ?? this.priorCache.get(p)!);
    this.priorCache = next;
    return out;
  }

  private reset(): void {
    this.points = [];
    this.weights = new Float64Array(0);
    this.hyper = null;
  }

  private checkPoint(fn: string, arg: string, x: ArrayLike<number>): void {
    if (x === null || typeof x !== 'object' || x.length !== this.dim) {
      throw new InvalidArgumentError(fn, arg, `points of dimension ${this.dim} (the fitted one)`, describe(x));
    }
  }

  /** The pairwise squared distances of the points, reusing those of the previous fit (rounds enter one at a time). */
  private squaredDistances(points: Float32Array[]): Float64Array {
    const n = points.length;
    const old = new Map<Float32Array, number>();
    this.cache.points.forEach((p, i) => old.set(p, i));
    const m = this.cache.points.length;
    const prev = this.cache.sqdist;
    const idx = points.map((p) => old.get(p) ?? -1);
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      const oi = idx[i]!;
      for (let j = i + 1; j < n; j++) {
        const oj = idx[j]!;
        const d = oi >= 0 && oj >= 0 ? prev[oi * m + oj]! : squaredDistance(points[i]!, points[j]!);
        out[i * n + j] = d;
        out[j * n + i] = d;
      }
    }
    this.cache = { points: points.slice(), sqdist: out };
    return out;
  }
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

/** The sample standard deviation of the targets (their RMS when it is 0 or undefined, 1 when they are all 0). */
function targetScale(y: Float64Array): number {
  const n = y.length;
  let mean = 0;
  for (const v of y) mean += v;
  mean /= n;
  let ss = 0;
  let sq = 0;
  for (const v of y) {
    ss += (v - mean) * (v - mean);
    sq += v * v;
  }
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  if (sd > 0) return sd;
  const rms = Math.sqrt(sq / n);
  return rms > 0 ? rms : 1;
}

function checkGrid(arg: string, grid: number[]): number[] {
  if (!Array.isArray(grid) || grid.length === 0 || !grid.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v))) {
    throw new InvalidArgumentError('LocalGP', arg, 'a non-empty array of positive finite numbers', describe(grid));
  }
  return grid.slice();
}
