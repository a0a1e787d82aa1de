import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { cholesky, tryCholesky } from './cholesky.js';

/** A random symmetric positive definite matrix B·Bᵀ + n·I. */
function spd(n: number, rng: Rng): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = s;
    }
  }
  return a;
}

/** Naive Gaussian elimination with partial pivoting: x with A·x = b, and log|det A|. */
function naiveSolve(a: Float64Array, b: Float64Array, n: number): { x: Float64Array; logDet: number } {
  const m = Array.from({ length: n }, (_, i) => [...Array.from(a.subarray(i * n, i * n + n)), b[i]!]);
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
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return { x, logDet };
}

describe('cholesky', () => {
  it('factors a hand-computed 2×2 matrix', () => {
    const f = cholesky(Float64Array.of(4, 2, 2, 3), 2);
    expect(Array.from(f.lower)).toEqual([2, 0, 1, Math.sqrt(2)]);
    expect(f.jitter).toBe(0);
    expect(Array.from(f.solve(Float64Array.of(2, 1)))).toEqual([0.5, 0]);
    expect(f.logDeterminant()).toBeCloseTo(Math.log(8), 12);
  });

  it.each([1, 5, 40])('L·Lᵀ reproduces A and solves agree with Gaussian elimination (n = %i)', (n) => {
    const rng = new Rng(n);
    const a = spd(n, rng);
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const f = cholesky(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += f.lower[i * n + k]! * f.lower[j * n + k]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 8);
      }
    }
    const ref = naiveSolve(a, b, n);
    const x = f.solve(b);
    for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(ref.x[i]!, 10);
    expect(f.logDeterminant()).toBeCloseTo(ref.logDet, 8);
    // Each triangular solve on its own.
    const y = f.solveLower(b);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k <= i; k++) s += f.lower[i * n + k]! * y[k]!;
      expect(s).toBeCloseTo(b[i]!, 10);
    }
  });

  it('retries with jitter on a singular positive semi-definite matrix', () => {
    // [[1,1],[1,1]] is singular: the plain factorisation fails, a little jitter makes it succeed.
    const f = tryCholesky(Float64Array.of(1, 1, 1, 1), 2);
    expect(f).not.toBeNull();
    expect(f!.jitter).toBeGreaterThan(0);
    expect(f!.jitter).toBeLessThan(1e-5);
  });

  it('gives null (tryCholesky) or throws (cholesky) on an indefinite matrix', () => {
    expect(tryCholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(/positive definite/);
  });

  it('rejects a matrix of the wrong size, naming the argument', () => {
    expect(() => cholesky(new Float64Array(5), 2)).toThrow(/'matrix' passed to tryCholesky must be a row-major 2×2/);
    expect(() => cholesky(Float64Array.of(1), 1).solve([1, 2])).toThrow(/'b'/);
  });
});
