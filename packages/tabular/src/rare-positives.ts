import { InvalidArgumentError, Rng } from '@metricopt/core';
import type { TabularData } from './tabular-data.js';

/** The shape of the synthetic rare-positive data (the "dataset": fixed by `geometrySeed`). */
export interface RarePositivesSpec {
  /** Feature count (default 16), of which `informative` carry the class (default 6). */
  dim: number;
  informative: number;
  /** Positive blobs (default 3) and negative blobs (default 2) in the informative subspace. */
  positiveModes: number;
  negativeModes: number;
  /** Typical distance of a positive blob from the nearest negative one, in noise stds (default 3). */
  separation: number;
  /** Seeds the blob centres and the feature scales. */
  geometrySeed: number;
}

export const DEFAULT_RARE_POSITIVES: Readonly<RarePositivesSpec> = Object.freeze({
  dim: 16,
  informative: 6,
  positiveModes: 3,
  negativeModes: 2,
  separation: 3,
  geometrySeed: 1,
});

/** A fixed geometry: blob centres per class and a per-feature scale (tabular columns differ in units). */
export interface RarePositives {
  spec: RarePositivesSpec;
  negativeCentres: Float64Array[];
  positiveCentres: Float64Array[];
  scales: Float64Array;
}

/**
 * Fixes a geometry: negative blobs near the origin, positive blobs at about `separation` from a
 * negative one in random directions of the informative subspace, and feature scales spread over
 * two orders of magnitude (so standardisation matters, as with real columns).
 *
 * ```ts
 * const g = makeRarePositives();  g.positiveCentres.length;   // 3
 * ```
 */
export function makeRarePositives(spec: Partial<RarePositivesSpec> = {}): RarePositives {
  const s: RarePositivesSpec = { ...DEFAULT_RARE_POSITIVES, ...spec };
  const fn = 'makeRarePositives';
  for (const key of ['dim', 'informative', 'positiveModes', 'negativeModes'] as const) {
    if (!Number.isInteger(s[key]) || s[key] < 1) throw new InvalidArgumentError(fn, `spec.${key}`, 'a positive integer', String(s[key]));
  }
  if (s.informative > s.dim) throw new InvalidArgumentError(fn, 'spec.informative', `at most dim (${s.dim})`, String(s.informative));
  if (!(s.separation > 0)) throw new InvalidArgumentError(fn, 'spec.separation', 'a positive number', String(s.separation));
  const rng = new Rng(s.geometrySeed);
  const direction = () => {
    const v = new Float64Array(s.informative);
    let norm = 0;
    for (let k = 0; k < s.informative; k++) norm += (v[k] = rng.normal()) ** 2;
    return v.map((x) => x / Math.sqrt(norm));
  };
  const negativeCentres = Array.from({ length: s.negativeModes }, () => direction().map((x) => x * 1.5));
  const positiveCentres = Array.from({ length: s.positiveModes }, (_, m) => {
    const base = negativeCentres[m % s.negativeModes]!;
    const d = direction();
    return base.map((x, k) => x + s.separation * d[k]!);
  });
  const scales = Float64Array.from({ length: s.dim }, () => 10 ** (2 * rng.next() - 1));
  return { spec: s, negativeCentres, positiveCentres, scales };
}

/**
 * Draws `n` rows, each positive with probability `positiveRate`, from a seeded generator: the
 * blob's centre (chosen uniformly among its class's) plus unit noise, on the informative features;
 * pure noise on the others; every feature times its scale.
 *
 * ```ts
 * sampleRarePositives(makeRarePositives(), 1000, 0.05, 7).y.reduce((a, b) => a + b);   // ≈ 50
 * ```
 */
export function sampleRarePositives(geometry: RarePositives, n: number, positiveRate: number, seed: number): TabularData {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('sampleRarePositives', 'n', 'a positive integer', String(n));
  if (!(positiveRate > 0 && positiveRate < 1)) throw new InvalidArgumentError('sampleRarePositives', 'positiveRate', 'a rate in (0, 1)', String(positiveRate));
  const { dim, informative } = geometry.spec;
  const rng = new Rng(seed);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const positive = rng.next() < positiveRate;
    const centres = positive ? geometry.positiveCentres : geometry.negativeCentres;
    const centre = centres[rng.int(centres.length)]!;
    y[i] = positive ? 1 : 0;
    for (let k = 0; k < dim; k++) x[i * dim + k] = ((k < informative ? centre[k]! : 0) + rng.normal()) * geometry.scales[k]!;
  }
  const featureNames = Array.from({ length: dim }, (_, k) => (k < informative ? `informative_${k + 1}` : `noise_${k - informative + 1}`));
  return { x, y, n, dim, featureNames, source: `rare-positives (geometry seed ${geometry.spec.geometrySeed}, sample seed ${seed})` };
}
