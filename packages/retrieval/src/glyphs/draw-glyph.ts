import type { Rng } from '@metricopt/core';
import type { GlyphBitmap } from './render-glyph.js';

/** How far augmentations go; each sample draws its own values uniformly within these bounds. */
export interface GlyphAugmentationRanges {
  /** Line-box height as a fraction of the image height: [min, max] (default [0.8, 1]). */
  scale: [number, number];
  /** Rotation in degrees, ± this (default 8). */
  rotation: number;
  /** Shift in output pixels, ± this on each axis (default 1.5). */
  shift: number;
  /** Stroke weight change: the ink threshold moves by ± this fraction (default 0.15; thicker or thinner strokes). */
  stroke: number;
  /** Noise added to the blurred ink before thresholding: rough, uneven strokes (default 0.08, a standard deviation). */
  roughness: number;
}

export const DEFAULT_AUGMENTATION: Readonly<GlyphAugmentationRanges> = Object.freeze({
  scale: [0.8, 1] as [number, number],
  rotation: 8,
  shift: 1.5,
  stroke: 0.15,
  roughness: 0.08,
});

/** One draw of the augmentation ranges. */
export interface GlyphAugmentation {
  scale: number;
  /** Radians. */
  rotation: number;
  shiftX: number;
  shiftY: number;
  /** In [−1, 1] × ranges.stroke: negative thins, positive thickens. */
  stroke: number;
  roughness: number;
}

/** Draws one augmentation from `rng` (five draws, always in the same order). */
export function drawAugmentation(ranges: GlyphAugmentationRanges, rng: Rng): GlyphAugmentation {
  const uniform = (a: number, b: number) => a + (b - a) * rng.next();
  return {
    scale: uniform(ranges.scale[0], ranges.scale[1]),
    rotation: (uniform(-ranges.rotation, ranges.rotation) * Math.PI) / 180,
    shiftX: uniform(-ranges.shift, ranges.shift),
    shiftY: uniform(-ranges.shift, ranges.shift),
    stroke: uniform(-ranges.stroke, ranges.stroke),
    roughness: ranges.roughness,
  };
}

/**
 * Draws a rendered glyph into a `size × size` gray image (uint8, ink 255 on 0) with an
 * augmentation: the stroke noise first, on the high-resolution rendering (blur, add seeded noise,
 * threshold relative to the peak — a lower threshold thickens the strokes), then scale, rotation
 * and shift about the image centre, sampled 2 × 2 per pixel with bilinear interpolation. The line
 * box is centred vertically (so a glyph keeps its height on the line: `x` sits lower than `X`,
 * `'` higher than `,`) and the ink horizontally; a glyph wider or taller than the image is shrunk
 * to fit.
 *
 * ```ts
 * const pixels = drawGlyph(bitmap, 32, drawAugmentation(DEFAULT_AUGMENTATION, rng), rng);   // Uint8Array(1024)
 * ```
 */
export function drawGlyph(glyph: GlyphBitmap, size: number, aug: GlyphAugmentation, rng: Rng): Uint8Array {
  const src = strokeNoise(glyph, aug, rng);
  const { width: w, height: h, data } = src;
  let k = (size * aug.scale) / glyph.lineHeight;
  k = Math.min(k, (size * 0.95) / w, (size * 0.95) / h);
  const cx = size / 2;
  const cy = size / 2;
  const cos = Math.cos(aug.rotation);
  const sin = Math.sin(aug.rotation);
  // Source rows are measured from the line box's top: the line box's centre maps to the image centre.
  const midY = glyph.lineHeight / 2 - src.top;
  const midX = w / 2;
  const sample = (x: number, y: number): number => {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const at = (xi: number, yi: number) => (xi >= 0 && xi < w && yi >= 0 && yi < h ? data[yi * w + xi]! : 0);
    return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
  };
  const out = new Uint8Array(size * size);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      let sum = 0;
      for (const oy of [0.25, 0.75]) {
        for (const ox of [0.25, 0.75]) {
          const dx = u + ox - cx - aug.shiftX;
          const dy = v + oy - cy - aug.shiftY;
          // Inverse rotation, then inverse scale, into source pixel centres.
          const rx = cos * dx + sin * dy;
          const ry = -sin * dx + cos * dy;
          sum += sample(rx / k + midX - 0.5, ry / k + midY - 0.5);
        }
      }
      out[v * size + u] = Math.round(Math.min(1, Math.max(0, sum / 4)) * 255);
    }
  }
  return out;
}

/** The glyph with stroke noise, padded by 2 pixels on every side (so thickened strokes fit). */
function strokeNoise(glyph: GlyphBitmap, aug: GlyphAugmentation, rng: Rng): GlyphBitmap {
  const pad = 2;
  const w = glyph.width + 2 * pad;
  const h = glyph.height + 2 * pad;
  const padded = new Float32Array(w * h);
  for (let y = 0; y < glyph.height; y++) padded.set(glyph.data.subarray(y * glyph.width, (y + 1) * glyph.width), (y + pad) * w + pad);
  const blurred = new Float32Array(w * h);
  let peak = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -1; j <= 1; j++) {
        for (let i = -1; i <= 1; i++) {
          const xx = x + i;
          const yy = y + j;
          if (xx >= 0 && xx < w && yy >= 0 && yy < h) s += padded[yy * w + xx]!;
        }
      }
      const b = s / 9 + (aug.roughness > 0 ? aug.roughness * rng.normal() : 0);
      blurred[y * w + x] = b;
      if (b > peak) peak = b;
    }
  }
  // A soft threshold around (0.5 − stroke)·peak: anti-aliased edges, strokes thicker when stroke > 0.
  const threshold = (0.5 - aug.stroke) * peak;
  const softness = 0.25 * peak;
  const data = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, (blurred[i]! - threshold) / softness + 0.5));
  return { width: w, height: h, data, top: glyph.top - pad, lineHeight: glyph.lineHeight };
}
