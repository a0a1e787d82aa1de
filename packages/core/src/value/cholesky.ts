import { InvalidArgumentError, describe } from '../errors.js';

/**
 * The Cholesky factor L (row-major, lower triangle; A + jitter·I = L·Lᵀ) of a symmetric positive
 * definite matrix, with the solves a Gaussian process needs.
 *
 * ```ts
 * const f = cholesky(Float64Array.of(4, 2, 2, 3), 2);
 * f.solve(Float64Array.of(2, 1));   // Float64Array [0.5, 0]
 * f.logDeterminant();               // log(8) ≈ 2.0794
 * ```
 */
export class CholeskyFactor {
  constructor(
    readonly n: number,
    /** n×n, row-major; entries above the diagonal are zero. */
    readonly lower: Float64Array,
    /** What was added to the diagonal to make the factorisation succeed (0 when nothing was). */
    readonly jitter: number,
  ) {}

  /** y with L·y = b. */
  solveLower(b: ArrayLike<number>): Float64Array {
    const { n, lower: l } = this;
    checkVector('CholeskyFactor.solveLower', 'b', b, n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = b[i]!;
      const row = i * n;
      for (let k = 0; k < i; k++) s -= l[row + k]! * y[k]!;
      y[i] = s / l[row + i]!;
    }
    return y;
  }

  /** x with Lᵀ·x = y. */
  solveUpper(y: ArrayLike<number>): Float64Array {
    const { n, lower: l } = this;
    checkVector('CholeskyFactor.solveUpper', 'y', y, n);
    const x = Float64Array.from(y);
    // Column-oriented so that the inner loop walks one row of L contiguously.
    for (let i = n - 1; i >= 0; i--) {
      const row = i * n;
      const xi = x[i]! / l[row + i]!;
      x[i] = xi;
      for (let k = 0; k < i; k++) x[k] = x[k]! - l[row + k]! * xi;
    }
    return x;
  }

  /** x with (L·Lᵀ)·x = b. */
  solve(b: ArrayLike<number>): Float64Array {
    return this.solveUpper(this.solveLower(b));
  }

  /** log det(L·Lᵀ) = 2·Σ log L_ii. */
  logDeterminant(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.log(this.lower[i * this.n + i]!);
    return 2 * s;
  }
}

export interface CholeskyOptions {
  /** Retries after the plain factorisation fails, each with 10× more jitter (default 5). */
  jitterTries?: number;
  /** The first jitter, relative to the mean absolute diagonal (default 1e-10). */
  jitterStart?: number;
}

/** Factorises a symmetric positive definite n×n row-major matrix; null when it is not positive definite even with jitter. */
export function tryCholesky(matrix: ArrayLike<number>, n: number, options: CholeskyOptions = {}): CholeskyFactor | null {
  checkSquare('tryCholesky', matrix, n);
  const tries = options.jitterTries ?? 5;
  const start = options.jitterStart ?? 1e-10;
  if (!Number.isInteger(tries) || tries < 0) {
    throw new InvalidArgumentError('tryCholesky', 'options.jitterTries', 'a non-negative integer', describe(tries));
  }
  if (!(start > 0) || !Number.isFinite(start)) {
    throw new InvalidArgumentError('tryCholesky', 'options.jitterStart', 'a positive finite number', describe(start));
  }
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += Math.abs(matrix[i * n + i]!);
  meanDiag = n > 0 ? meanDiag / n : 0;
  const base = meanDiag > 0 ? meanDiag : 1;
  const out = new Float64Array(n * n);
  for (let t = 0; t <= tries; t++) {
    const jitter = t === 0 ? 0 : base * start * 10 ** (t - 1);
    if (factorInto(matrix, n, jitter, out)) return new CholeskyFactor(n, out, jitter);
  }
  return null;
}

/** Like tryCholesky, but throws when the matrix is not positive definite. */
export function cholesky(matrix: ArrayLike<number>, n: number, options: CholeskyOptions = {}): CholeskyFactor {
  const f = tryCholesky(matrix, n, options);
  if (f === null) {
    throw new InvalidArgumentError('cholesky', 'matrix', 'symmetric positive definite (even with jitter)', `a ${n}×${n} matrix that is not`);
  }
  return f;
}

function factorInto(a: ArrayLike<number>, n: number, jitter: number, l: Float64Array): boolean {
  l.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // Four partial sums let the CPU overlap the multiply-adds of this dot product (the whole cost).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += l[ri + k]! * l[rj + k]!;
        s1 += l[ri + k + 1]! * l[rj + k + 1]!;
        s2 += l[ri + k + 2]! * l[rj + k + 2]!;
        s3 += l[ri + k + 3]! * l[rj + k + 3]!;
      }
      for (; k < j; k++) s0 += l[ri + k]! * l[rj + k]!;
      let s = a[ri + j]! - (s0 + s1 + (s2 + s3));
      if (i === j) {
        s += jitter;
        if (!(s > 0) || !Number.isFinite(s)) return false;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j]!;
      }
    }
  }
  return true;
}

function checkSquare(fn: string, m: ArrayLike<number>, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(fn, 'n', 'a non-negative integer', describe(n));
  if (m === null || typeof m !== 'object' || m.length !== n * n) {
    throw new InvalidArgumentError(fn, 'matrix', `a row-major ${n}×${n} matrix (length ${n * n})`, describe(m));
  }
}

function checkVector(fn: string, arg: string, v: ArrayLike<number>, n: number): void {
  if (v === null || typeof v !== 'object' || v.length !== n) {
    throw new InvalidArgumentError(fn, arg, `a vector of length ${n}`, describe(v));
  }
}
