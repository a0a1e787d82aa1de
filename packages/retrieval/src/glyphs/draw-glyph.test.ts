import { Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUGMENTATION, drawAugmentation, drawGlyph, type GlyphAugmentation } from './draw-glyph.js';
import type { GlyphBitmap } from './render-glyph.js';

const plain: GlyphAugmentation = { scale: 1, rotation: 0, shiftX: 0, shiftY: 0, stroke: 0, roughness: 0 };

/** A solid w × h block whose top is `top` rows below the top of a line box `line` tall. */
function block(w: number, h: number, top: number, line: number): GlyphBitmap {
  return { width: w, height: h, data: new Float32Array(w * h).fill(1), top, lineHeight: line };
}

/** Ink-weighted centre (x, y) and total ink of a size × size image. */
function moments(img: Uint8Array, size: number): { x: number; y: number; ink: number } {
  let ink = 0;
  let x = 0;
  let y = 0;
  img.forEach((v, i) => {
    ink += v;
    x += v * (i % size);
    y += v * Math.floor(i / size);
  });
  return { x: x / ink + 0.5, y: y / ink + 0.5, ink: ink / 255 };
}

describe('drawGlyph', () => {
  it('maps the line box onto the image: a block keeps its height on the line and its size', () => {
    // Line box 64 high → 32 pixels: the block of 16 × 16 source pixels becomes 8 × 8, its top 16 rows down → row 8.
    const img = drawGlyph(block(16, 16, 16, 64), 32, plain, new Rng(1));
    const m = moments(img, 32);
    expect(m.x).toBeCloseTo(16, 1);
    expect(m.y).toBeCloseTo(8 + 4, 1);
    // 8 × 8 pixels of ink, less a little at the corners, which the stroke blur rounds.
    expect(Math.abs(m.ink - 64)).toBeLessThan(1.5);
    // The same block lower on the line lands lower in the image: case and baseline survive.
    expect(moments(drawGlyph(block(16, 16, 40, 64), 32, plain, new Rng(1)), 32).y).toBeCloseTo(20 + 4, 1);
  });

  it('shifts, scales and rotates about the image centre', () => {
    const shifted = moments(drawGlyph(block(16, 16, 24, 64), 32, { ...plain, shiftX: 3, shiftY: -2 }, new Rng(1)), 32);
    expect([shifted.x, shifted.y]).toEqual([expect.closeTo(19, 1), expect.closeTo(14, 1)]);
    expect(moments(drawGlyph(block(16, 16, 24, 64), 32, { ...plain, scale: 0.5 }, new Rng(1)), 32).ink).toBeCloseTo(16, 0);
    // A bar off-centre to the right, turned a quarter turn, ends below the centre (image y points down).
    const bar = { width: 8, height: 4, data: new Float32Array(32).fill(1), top: 30, lineHeight: 64 };
    const offset = { ...plain, shiftX: 8 };
    const turned = moments(drawGlyph(bar, 32, { ...offset, rotation: Math.PI / 2 }, new Rng(1)), 32);
    const straight = moments(drawGlyph(bar, 32, offset, new Rng(1)), 32);
    expect(straight.x).toBeCloseTo(24, 1);
    expect(turned.x).toBeCloseTo(24, 1);
    expect(turned.ink).toBeCloseTo(straight.ink, 0);
  });

  it('thickens or thins strokes with the stroke threshold, and is deterministic for a seed', () => {
    const line = { width: 40, height: 6, data: new Float32Array(240).fill(1), top: 29, lineHeight: 64 };
    const ink = (stroke: number) => moments(drawGlyph(line, 32, { ...plain, stroke }, new Rng(1)), 32).ink;
    expect(ink(0.15)).toBeGreaterThan(ink(0));
    expect(ink(-0.15)).toBeLessThan(ink(0));
    const aug = drawAugmentation(DEFAULT_AUGMENTATION, new Rng(3));
    expect(drawGlyph(line, 32, aug, new Rng(4))).toEqual(drawGlyph(line, 32, aug, new Rng(4)));
    expect(drawGlyph(line, 32, aug, new Rng(4))).not.toEqual(drawGlyph(line, 32, aug, new Rng(5)));
  });
});
