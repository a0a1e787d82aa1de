import { Rng } from '@metricopt/core';
import type { LabelledImages } from '@metricopt/data';

/**
 * Tiny labelled images for tests: class c lights up row c of an 8×8 grayscale image (plus
 * noise), so a small CNN learns it in a few steps. `counts[c]` images of class c, shuffled.
 */
export function stripeImages(counts: number[], seed: number, side = 8): LabelledImages {
  const rng = new Rng(seed);
  const n = counts.reduce((a, b) => a + b, 0);
  const labels = Int32Array.from(rng.shuffle(counts.flatMap((k, c) => new Array<number>(k).fill(c))));
  const images = new Uint8Array(n * side * side);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < side * side; p++) {
      const onStripe = Math.floor(p / side) === labels[i]! % side;
      images[i * side * side + p] = Math.max(0, Math.min(255, Math.round((onStripe ? 160 : 40) + 60 * rng.normal())));
    }
  }
  return { images, shape: [n, side, side], labels };
}
