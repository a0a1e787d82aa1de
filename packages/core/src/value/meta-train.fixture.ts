import type { ParamLayout } from '../param-view.js';
import { Rng } from '../rng.js';
import { filmLayout, landscapeRounds } from './synthetic-rounds.js';
import type { Trajectory } from './trajectory-store.js';

// Runs for the meta-training tests: toy trajectories of several architectures on one shared landscape.

/** Three architectures: one FiLM layer of 4 channels, two of 3, three of 2 (with heads of different sizes). */
export const LAYOUTS: ParamLayout[] = [
  filmLayout([{ layer: 'a1', channels: 4, depth: 0.8 }], 5),
  filmLayout([{ layer: 'b1', channels: 3, depth: 0.4 }, { layer: 'b2', channels: 3, depth: 0.9 }], 7),
  filmLayout([{ layer: 'c1', channels: 2, depth: 0.3 }, { layer: 'c2', channels: 2, depth: 0.6 }, { layer: 'c3', channels: 2, depth: 0.9 }], 3),
];

/**
 * Runs on a landscape every architecture shares: the metric (lower is better) grows with the distance of every
 * FiLM channel's γ−1 from 0.4 and β from −0.2; the head does not matter. A set encoder can represent it.
 */
export function runs(layout: ParamLayout, count: number, seed: number, task = 'toy'): Trajectory[] {
  const film = layout.segments.filter((s) => s.kind === 'film-scale' || s.kind === 'film-shift');
  const f = (x: ArrayLike<number>) => {
    let s = 0;
    for (const seg of film) {
      const target = seg.kind === 'film-scale' ? 0.4 : -0.2;
      for (let i = 0; i < seg.size; i++) s -= (x[seg.offset + i]! - target) ** 2 / seg.size;
    }
    return s;
  };
  return Array.from({ length: count }, (_, k) => {
    const rng = new Rng(seed * 100 + k);
    const rounds = landscapeRounds({ f, dim: layout.size, rounds: 6, rng, sigma: 0.2, noise: 0.01, start: rng.normals(layout.size).map((v) => 0.3 * v) })
      .map((r) => ({ ...r, metrics: r.scores.map((v) => -v) }));
    return {
      header: {
        format: 'metricopt-trajectory' as const, version: 1, run: `${task}-${seed}-${k}`, task, dataset: 'toy', backbone: `net ${layout.size}`,
        metric: { name: 'balanced-error', higherIsBetter: false }, layout, settings: { seed },
      },
      rounds,
      summary: null,
    };
  });
}
