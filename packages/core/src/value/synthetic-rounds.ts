import type { ObservationRound } from '../observation.js';
import type { ParamLayout, ParamSegment } from '../param-view.js';
import type { Rng } from '../rng.js';

/**
 * Synthetic antithetic observation rounds (for tests and benches) of a known landscape, the centre moving a little
 * each round (along the true gradient plus a random walk), scores = f + noise.
 */
export function landscapeRounds(options: {
  f: (x: Float32Array) => number;
  grad?: (x: Float32Array) => Float64Array;
  dim: number;
  rounds: number;
  rng: Rng;
  k?: number;
  sigma?: number;
  noise?: number;
  step?: number;
  start?: Float32Array;
}): ObservationRound[] {
  const { f, dim, rng } = options;
  const k = options.k ?? 4;
  const sigma = options.sigma ?? 0.1;
  const noise = options.noise ?? 0;
  const step = options.step ?? 0.05;
  let centre = options.start ? Float32Array.from(options.start) : new Float32Array(dim);
  const out: ObservationRound[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const eps = Array.from({ length: k }, () => rng.normals(dim));
    const deltas = [
      Float32Array.from(centre),
      ...eps.map((e) => Float32Array.from(centre, (c, i) => c + sigma * e[i]!)),
      ...eps.map((e) => Float32Array.from(centre, (c, i) => c - sigma * e[i]!)),
    ];
    const scores = deltas.map((d) => f(d) + noise * rng.normal());
    out.push({ round: r, step: r * 10, deltas, metrics: scores.map((s) => -s), scores, wholeSplit: true });
    const g = options.grad?.(centre);
    centre = Float32Array.from(centre, (c, i) => c + step * (g ? g[i]! : 0) + 0.3 * sigma * rng.normal());
  }
  return out;
}

/** A concave quadratic −½ Σ h_i (x_i − t_i)² with its gradient. */
export function quadratic(dim: number, rng: Rng): { f: (x: ArrayLike<number>) => number; grad: (x: ArrayLike<number>) => Float64Array } {
  const h = Float64Array.from({ length: dim }, () => 0.5 + rng.next());
  const t = Float64Array.from({ length: dim }, () => rng.normal());
  return {
    f: (x) => {
      let s = 0;
      for (let i = 0; i < dim; i++) s -= 0.5 * h[i]! * (x[i]! - t[i]!) ** 2;
      return s;
    },
    grad: (x) => Float64Array.from({ length: dim }, (_, i) => -h[i]! * (x[i]! - t[i]!)),
  };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

/** A ParamLayout of FiLM layers (scale + shift of `channels` each) followed by an optional head segment. */
export function filmLayout(layers: { layer: string; channels: number; depth?: number }[], head = 0): ParamLayout {
  const segments: ParamSegment[] = [];
  let offset = 0;
  for (const l of layers) {
    for (const kind of ['film-scale', 'film-shift'] as const) {
      const s: ParamSegment = { name: `${l.layer}/${kind}`, kind, layer: l.layer, offset, size: l.channels, shape: [l.channels], scale: 1 };
      if (l.depth !== undefined) s.depth = l.depth;
      segments.push(s);
      offset += l.channels;
    }
  }
  if (head > 0) {
    segments.push({ name: 'head/kernel', kind: 'head-kernel', offset, size: head, shape: [head], scale: 0.5 });
    offset += head;
  }
  return { size: offset, segments };
}
