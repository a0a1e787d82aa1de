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
  /**
   * Which within-round differences are observed: `centre` (default) — every perturbation minus the
   * centre (2K per round); `antithetic` — each +σε point minus its −σε twin (K per round: the
   * round's even-order part, a curvature bowl around the centre, cancels as in the es estimate).
   */
  differences?: GPDifferences;
  /**
   * Search the lengthscale × noise grid by marginal likelihood on every this-many-th fit only, and reuse the last
   * choice in between (default 1: every fit). A fit then costs one Cholesky instead of one per grid cell.
   */
  reselectEvery?: number;
}

export type GPDifferences = 'centre' | 'antithetic';

/** Per surrogate (see LocalGP.fit): a ridge on its weight (0: none, default) and whether the weight may be negative (default not). */
export interface SurrogateFitOptions {
  ridge?: readonly number[];
  signed?: readonly boolean[];
  /**
   * Candidate ridges for the ridged surrogates (those with ridge > 0): the one with the highest marginal likelihood
   * (their weights integrated out under N(0, 1/(ridge·G_kk))) replaces them at each fit. Absent: `ridge` as given.
   */
  ridgeGrid?: readonly number[];
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
  /**
   * With surrogate slopes: the fitted weights c_m ≥ 0 (score units per surrogate unit) of the surrogates'
   * predicted differences, V = Σ_m c_m·S_m + GP residual; empty without slopes.
   */
  surrogateWeights: number[];
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
  readonly differences: GPDifferences;
  readonly reselectEvery: number;

  private dim = -1;
  private fitsSinceSearch = 0;
  /** The fitted points with a non-zero weight, row-major, and their squared norms (fast predict and gradient). */
  private flat = new Float64Array(0);
  private flatNorms = new Float64Array(0);
  private flatWeights = new Float64Array(0);
  /** The fitted points and their weights: mean(x) = Σ_p weight_p · exp(−|x − X_p|² / 2ℓ²). */
  private points: Float32Array[] = [];
  private weights = new Float64Array(0);
  private hyper: LocalGPHyperparameters | null = null;
  private cache: { points: Float32Array[]; sqdist: Float64Array } = { points: [], sqdist: new Float64Array(0) };
  private priorCache = new Map<Float32Array, number>();
  private surrogateCache = new WeakMap<ObservationRound, { slopes: readonly ArrayLike<number>[]; values: number[][] }>();

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
    const differences = options.differences ?? 'centre';
    if (differences !== 'centre' && differences !== 'antithetic') {
      throw new InvalidArgumentError('LocalGP', 'options.differences', "'centre' or 'antithetic'", describe(differences));
    }
    this.differences = differences;
    const reselect = options.reselectEvery ?? 1;
    if (!Number.isInteger(reselect) || reselect < 1) {
      throw new InvalidArgumentError('LocalGP', 'options.reselectEvery', 'a positive integer', describe(reselect));
    }
    this.reselectEvery = reselect;
  }

  /** True once a fit found at least one informative difference. */
  get fitted(): boolean {
    return this.hyper !== null;
  }

  /** The chosen hyperparameters (null before a successful fit). */
  get hyperparameters(): LocalGPHyperparameters | null {
    return this.hyper === null ? null : { ...this.hyper };
  }

  /**
   * Refits on the last `window` rounds (earlier ones are ignored). With no informative difference the GP is reset to the prior.
   *
   * `slopes[r]` (optional, aligned with `rounds`): the ascent directions of M surrogates S_m (e.g. −∇δ of a loss,
   * or of each class's loss) at round r's centre, or null. Their linear predictions of each observed difference,
   * slope_m·(a − b), become a mean function Σ_m c_m·S_m with weights c_m ≥ 0 fitted by (non-negative) generalised
   * least squares; the GP models the residual. `hyperparameters.surrogateWeights` holds the c_m, and
   * `predict`/`gradient` return the residual part only (the caller adds Σ c_m·S_m, whose gradient it knows).
   * `surrogate.ridge[m]` shrinks c_m towards 0 (relative to its information), `surrogate.signed[m]` lets it go negative.
   */
  fit(
    rounds: readonly ObservationRound[],
    slopes?: readonly (readonly ArrayLike<number>[] | null)[],
    surrogate?: SurrogateFitOptions,
  ): void {
    if (!Array.isArray(rounds)) throw new InvalidArgumentError('LocalGP.fit', 'rounds', 'an array of observation rounds', describe(rounds));
    if (slopes !== undefined && (!Array.isArray(slopes) || slopes.length !== rounds.length)) {
      throw new InvalidArgumentError('LocalGP.fit', 'slopes', `one list of slopes (or null) per round (${rounds.length})`, describe(slopes));
    }
    const first = Math.max(0, rounds.length - this.window);
    const used = rounds.slice(first);
    const usedSlopes = slopes?.slice(first);
    const m = usedSlopes?.reduce((k, list) => Math.max(k, list?.length ?? 0), 0) ?? 0;
    const surrogateCols: number[][] = Array.from({ length: m }, () => []);
    const points: Float32Array[] = [];
    const obsA: number[] = [];
    const obsC: number[] = [];
    const diffs: number[] = [];
    for (let ri = 0; ri < used.length; ri++) {
      const r = used[ri]!;
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
      const K = (r.deltas.length - 1) / 2;
      const list = usedSlopes?.[ri] ?? null;
      if (list !== null && (list.length !== m || list.some((v: ArrayLike<number>) => v.length !== this.dim))) {
        throw new InvalidArgumentError('LocalGP.fit', 'slopes', `${m} vectors of dimension ${this.dim} per round`, describe(list));
      }
      const before = obsA.length;
      if (this.differences === 'antithetic' && Number.isInteger(K) && K >= 1) {
        for (let k = 1; k <= K; k++) {
          obsA.push(c + k);
          obsC.push(c + k + K);
          diffs.push(r.scores[k]! - r.scores[k + K]!);
        }
      } else {
        for (let i = 1; i < r.deltas.length; i++) {
          obsA.push(c + i);
          obsC.push(c);
          diffs.push(r.scores[i]! - r.scores[0]!);
        }
      }
      // A round's predicted differences depend only on its own points and slopes: cached across fits.
      const cached = list !== null ? this.surrogateCache.get(r) : undefined;
      const values = cached !== undefined && cached.slopes.length === m && cached.slopes.every((v, k) => v === list![k])
        ? cached.values
        : Array.from({ length: m }, (_, k) => {
          const slope = list?.[k];
          return Array.from({ length: obsA.length - before }, (_, jj) => {
            const a = points[obsA[before + jj]!]!;
            const b = points[obsC[before + jj]!]!;
            let v = 0;
            if (slope) for (let i = 0; i < a.length; i++) v += slope[i]! * (a[i]! - b[i]!);
            return v;
          });
        });
      if (list !== null) this.surrogateCache.set(r, { slopes: list, values });
      for (let k = 0; k < m; k++) surrogateCols[k]!.push(...values[k]!);
    }
    const previous = this.hyper;
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
    // An antithetic pair spans twice the perturbation norm.
    pn = n > 0 ? pn / n / (this.differences === 'antithetic' ? 2 : 1) : 0;
    if (n === 0 || !(pn > 0)) return;
    const ys = targetScale(y);
    for (let j = 0; j < n; j++) y[j] = y[j]! / ys;
    const active = surrogateCols.map((col) => col.some((v) => v !== 0));
    const basis = surrogateCols.map((col) => Float64Array.from(col)).filter((_, k) => active[k]);
    const ridge = (surrogate?.ridge ?? []).filter((_, k) => active[k]);
    const signed = (surrogate?.signed ?? []).filter((_, k) => active[k]);

    const kPts = new Float64Array(nPts * nPts);
    const kd = new Float64Array(n * n);
    const ky = new Float64Array(n * n);
    let best: { hyper: LocalGPHyperparameters; alpha: Float64Array } | null = null;
    // Between grid searches only the last choice is refitted.
    const search = previous === null || this.fitsSinceSearch + 1 >= this.reselectEvery;
    const multipliers = search ? this.lengthscaleMultipliers : [previous.multiplier];
    const noises = search ? this.noiseGrid : [previous.noise];
    this.fitsSinceSearch = search ? 0 : this.fitsSinceSearch + 1;
    for (const mult of multipliers) {
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
      for (const noise of noises) {
        for (let i = 0; i < kd.length; i++) ky[i] = kd[i]! / sc;
        for (let j = 0; j < n; j++) ky[j * n + j] = ky[j * n + j]! + noise;
        const f = tryCholesky(ky, n);
        if (f === null) continue;
        let alpha = f.solve(y);
        let weights: number[] = [];
        let r = y;
        if (basis.length > 0) {
          const solved = basis.map((col) => f.solve(col));
          const grid = surrogate?.ridgeGrid;
          const chosen = grid && grid.length > 0 && ridge.some((v) => v > 0) ? bestRidge(basis, solved, alpha, ridge, grid) : ridge;
          weights = constrainedGls(basis, solved, alpha, chosen, signed);
          if (weights.some((c) => c !== 0)) {
            alpha = alpha.map((v, j) => v - weights.reduce((acc, c, k) => acc + c * solved[k]![j]!, 0));
            r = y.map((v, j) => v - weights.reduce((acc, c, k) => acc + c * basis[k]![j]!, 0));
          }
        }
        let fit = 0;
        for (let j = 0; j < n; j++) fit += r[j]! * alpha[j]!;
        const ml = -0.5 * fit - 0.5 * f.logDeterminant() - 0.5 * n * LOG_2PI;
        if (best === null || ml > best.hyper.logMarginalLikelihood) {
          best = {
            hyper: {
              lengthscale: ell, multiplier: mult, noise, kernelScale: sc, targetScale: ys, perturbationNorm: pn,
              logMarginalLikelihood: ml, observations: n,
              surrogateWeights: expandWeights(active, weights).map((c) => c * ys),
            },
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
    this.packPoints();
  }

  /** Copies the points that carry weight into one row-major array, with their squared norms. */
  private packPoints(): void {
    const keep = this.points.map((_, p) => p).filter((p) => this.weights[p] !== 0);
    const d = this.dim;
    this.flat = new Float64Array(keep.length * d);
    this.flatNorms = new Float64Array(keep.length);
    this.flatWeights = new Float64Array(keep.length);
    keep.forEach((p, r) => {
      const x = this.points[p]!;
      let sq = 0;
      for (let i = 0; i < d; i++) {
        this.flat[r * d + i] = x[i]!;
        sq += x[i]! * x[i]!;
      }
      this.flatNorms[r] = sq;
      this.flatWeights[r] = this.weights[p]!;
    });
  }

  /** k(x, X_p)·w_p for every packed point: exp(−|x − X_p|²/2ℓ²) from |x|² + |X_p|² − 2x·X_p. */
  private weightedKernel(x: ArrayLike<number>): Float64Array {
    const d = this.dim;
    const n = this.flatWeights.length;
    const inv = -0.5 / (this.hyper!.lengthscale * this.hyper!.lengthscale);
    let xx = 0;
    for (let i = 0; i < d; i++) xx += x[i]! * x[i]!;
    const out = new Float64Array(n);
    const flat = this.flat;
    for (let r = 0; r < n; r++) {
      let dot = 0;
      const o = r * d;
      for (let i = 0; i < d; i++) dot += x[i]! * flat[o + i]!;
      const sq = Math.max(0, xx + this.flatNorms[r]! - 2 * dot);
      out[r] = this.flatWeights[r]! * Math.exp(sq * inv);
    }
    return out;
  }

  /** The posterior mean of V at each point (score units, up to a constant); the prior alone before a fit. */
  predict(points: Float32Array[]): Float64Array {
    if (!Array.isArray(points)) throw new InvalidArgumentError('LocalGP.predict', 'points', 'an array of Float32Arrays', describe(points));
    const out = this.prior !== null && points.length > 0 ? Float64Array.from(this.prior.predict(points)) : new Float64Array(points.length);
    if (this.hyper === null) return out;
    points.forEach((x, i) => {
      this.checkPoint('LocalGP.predict', 'points', x);
      out[i] = out[i]! + this.weightedKernel(x).reduce((a, b) => a + b, 0);
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
    const wk = this.weightedKernel(delta);
    const d = this.dim;
    let total = 0;
    for (let r = 0; r < wk.length; r++) {
      const c = wk[r]! / ell2;
      if (c === 0) continue;
      total += c;
      const o = r * d;
      for (let i = 0; i < d; i++) g[i] = g[i]! + c * this.flat[o + i]!;
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
    this.flat = new Float64Array(0);
    this.flatNorms = new Float64Array(0);
    this.flatWeights = new Float64Array(0);
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

/**
 * Weights c minimising (y − Pc)ᵀK⁻¹(y − Pc) + Σ_k ridge_k·G_kk·c_k² (the GLS mean of a GP with basis columns P, G =
 * PᵀK⁻¹P), with c_k ≥ 0 unless `signed[k]`, by an active set: solve on the free columns, drop those that come out
 * negative, repeat. `solved[k]` = K⁻¹P_k, `alpha` = K⁻¹y.
 */
function constrainedGls(
  basis: Float64Array[], solved: Float64Array[], alpha: Float64Array, ridge: readonly number[], signed: readonly boolean[],
): number[] {
  const m = basis.length;
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((acc, v, j) => acc + v * b[j]!, 0);
  const gram = basis.map((pk) => solved.map((sl) => dot(pk, sl)));
  const rhs = basis.map((pk) => dot(pk, alpha));
  let free = Array.from({ length: m }, (_, k) => k);
  while (free.length > 0) {
    // A small ridge keeps nearly collinear surrogates solvable.
    const a = free.map((i) => free.map((j) => gram[i]![j]! + (i === j ? (1e-9 + (ridge[i] ?? 0)) * Math.abs(gram[i]![i]!) + 1e-300 : 0)));
    const c = solveSmall(a, free.map((i) => rhs[i]!));
    if (c === null) return new Array<number>(m).fill(0);
    const negative = free.filter((i, k) => !signed[i] && !(c[k]! > 0));
    if (negative.length === 0) {
      const out = new Array<number>(m).fill(0);
      free.forEach((i, k) => (out[i] = c[k]!));
      return out;
    }
    free = free.filter((i) => !negative.includes(i));
  }
  return new Array<number>(m).fill(0);
}

/**
 * The ridge (from `grid`, applied to the columns whose `ridge` is > 0) with the highest marginal likelihood of the
 * targets when those weights are integrated out under N(0, 1/(ridge·G_kk)) and the others are free (profiled).
 * At a fixed GP kernel only the terms below change with the ridge: −½(yᵀK⁻¹y − bᵀM⁻¹b) − ½log|M| + ½Σ log λ_k.
 */
function bestRidge(
  basis: Float64Array[], solved: Float64Array[], alpha: Float64Array, ridge: readonly number[], grid: readonly number[],
): number[] {
  const m = basis.length;
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((acc, v, j) => acc + v * b[j]!, 0);
  const gram = basis.map((pk) => solved.map((sl) => dot(pk, sl)));
  const b = basis.map((pk) => dot(pk, alpha));
  let best: { score: number; ridge: number[] } | null = null;
  for (const r of grid) {
    const lambda = Array.from({ length: m }, (_, k) => ((ridge[k] ?? 0) > 0 ? r : 1e-9) * Math.abs(gram[k]![k]!) + 1e-300);
    const mat = gram.map((row, i) => row.map((v, j) => v + (i === j ? lambda[i]! : 0)));
    const c = solveSmall(mat, b);
    const logDet = logDetSmall(mat);
    if (c === null || logDet === null) continue;
    let score = 0.5 * b.reduce((acc, v, k) => acc + v * c[k]!, 0) - 0.5 * logDet;
    for (let k = 0; k < m; k++) if ((ridge[k] ?? 0) > 0) score += 0.5 * Math.log(lambda[k]!);
    if (best === null || score > best.score) best = { score, ridge: ridge.map((v) => (v > 0 ? r : v)) };
  }
  return best?.ridge ?? ridge.slice();
}

/** log|A| of a small symmetric positive definite matrix by elimination; null when it is not positive definite. */
function logDetSmall(a: number[][]): number | null {
  const n = a.length;
  const m = a.map((row) => row.slice());
  let out = 0;
  for (let col = 0; col < n; col++) {
    const d = m[col]![col]!;
    if (!(d > 0)) return null;
    out += Math.log(d);
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / d;
      for (let k = col; k < n; k++) m[r]![k] = m[r]![k]! - f * m[col]![k]!;
    }
  }
  return out;
}

/** Gaussian elimination with partial pivoting for a small dense system; null when singular. */
function solveSmall(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (!(Math.abs(m[pivot]![col]!) > 1e-300)) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = m[r]![n]!;
    for (let k = r + 1; k < n; k++) acc -= m[r]![k]! * x[k]!;
    x[r] = acc / m[r]![r]!;
  }
  return x;
}

/** Weights of the non-zero basis columns, put back in the place of every surrogate (0 for all-zero ones). */
function expandWeights(active: boolean[], weights: number[]): number[] {
  let k = 0;
  return active.map((on) => (on ? (weights[k++] ?? 0) : 0));
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
