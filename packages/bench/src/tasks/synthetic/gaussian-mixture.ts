import { InvalidArgumentError, Rng } from '@metricopt/core';

/** The shape of a class-conditional Gaussian mixture: every class is `modesPerClass` unit-variance blobs. */
export interface MixtureSpec {
  numClasses: number;
  dim: number;
  modesPerClass: number;
  /** Typical distance between two class centres, in units of the noise std (smaller = more overlap). */
  separation: number;
  /** Typical distance of a class's modes from its centre (0: one Gaussian per class). */
  modeSpread: number;
  /** Seeds the geometry, so the distribution (the "dataset") stays fixed while samples vary by run seed. */
  geometrySeed: number;
}

/** A drawn mixture: the centre of every (class, mode), flat [numClasses · modesPerClass · dim]. */
export interface GaussianMixture {
  readonly spec: MixtureSpec;
  readonly centres: Float32Array;
}

/** Samples in memory: x row-major [n, dim], y int32 labels [n]. */
export interface LabelledSamples {
  x: Float32Array;
  y: Int32Array;
  n: number;
  dim: number;
}

export const DEFAULT_MIXTURE: MixtureSpec = Object.freeze({
  numClasses: 10,
  dim: 24,
  modesPerClass: 2,
  separation: 4,
  modeSpread: 1.5,
  geometrySeed: 0,
});

/** Draws the centres of a mixture from `spec.geometrySeed`. */
export function makeMixture(spec: MixtureSpec = DEFAULT_MIXTURE): GaussianMixture {
  for (const key of ['numClasses', 'dim', 'modesPerClass'] as const) {
    if (!Number.isInteger(spec[key]) || spec[key] < 1) {
      throw new InvalidArgumentError('makeMixture', `spec.${key}`, 'a positive integer', `${spec[key]}`);
    }
  }
  if (spec.numClasses < 2) throw new InvalidArgumentError('makeMixture', 'spec.numClasses', 'at least 2', `${spec.numClasses}`);
  if (!(spec.separation > 0)) throw new InvalidArgumentError('makeMixture', 'spec.separation', 'a positive number', `${spec.separation}`);
  if (!(spec.modeSpread >= 0)) throw new InvalidArgumentError('makeMixture', 'spec.modeSpread', 'a number ≥ 0', `${spec.modeSpread}`);
  const { numClasses: C, dim: D, modesPerClass: M } = spec;
  const rng = new Rng(spec.geometrySeed);
  // Two N(0, I/(2D)) points are at distance ≈ 1 from each other; scaling sets the typical gap.
  const classScale = spec.separation / Math.sqrt(2 * D);
  const modeScale = spec.modeSpread / Math.sqrt(D);
  const centres = new Float32Array(C * M * D);
  for (let c = 0; c < C; c++) {
    const centre = rng.normals(D);
    for (let m = 0; m < M; m++) {
      const offset = (c * M + m) * D;
      for (let d = 0; d < D; d++) centres[offset + d] = classScale * centre[d]! + (M > 1 ? modeScale * rng.normal() : 0);
    }
  }
  return Object.freeze({ spec: Object.freeze({ ...spec }), centres });
}

/** `counts[c]` samples of every class c, in a shuffled order. */
export function sampleMixture(mixture: GaussianMixture, counts: readonly number[], rng: Rng): LabelledSamples {
  const { numClasses: C, dim: D, modesPerClass: M } = mixture.spec;
  if (counts.length !== C || counts.some((k) => !Number.isInteger(k) || k < 0)) {
    throw new InvalidArgumentError('sampleMixture', 'counts', `${C} non-negative integers`, JSON.stringify(counts));
  }
  const n = counts.reduce((a, b) => a + b, 0);
  const labels = new Int32Array(n);
  let i = 0;
  counts.forEach((k, c) => labels.fill(c, i, (i += k)));
  const order = rng.permutation(n);
  const x = new Float32Array(n * D);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const c = labels[order[r]!]!;
    const offset = (c * M + rng.int(M)) * D;
    y[r] = c;
    for (let d = 0; d < D; d++) x[r * D + d] = mixture.centres[offset + d]! + rng.normal();
  }
  return { x, y, n, dim: D };
}

/** Long-tailed class sizes: class c keeps round(head · ratio^(c / (C − 1))) (ratio 1: balanced). */
export function longTailedCounts(head: number, numClasses: number, ratio: number): number[] {
  if (!Number.isInteger(head) || head < 1) throw new InvalidArgumentError('longTailedCounts', 'head', 'a positive integer', `${head}`);
  if (!(ratio > 0 && ratio <= 1)) throw new InvalidArgumentError('longTailedCounts', 'ratio', 'a number in (0, 1]', `${ratio}`);
  return Array.from({ length: numClasses }, (_, c) => Math.max(1, Math.round(head * ratio ** (c / (numClasses - 1)))));
}

/** The rows of `samples` at `indices`, in that order. */
export function takeRows(samples: LabelledSamples, indices: ArrayLike<number>): LabelledSamples {
  const { dim: D } = samples;
  const x = new Float32Array(indices.length * D);
  const y = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    x.set(samples.x.subarray(i * D, (i + 1) * D), r * D);
    y[r] = samples.y[i]!;
  }
  return { x, y, n: indices.length, dim: D };
}

/** How many samples of each class. */
export function classCounts(y: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of y) counts[c]! += 1;
  return counts;
}
