import sharp, { type OutputInfo } from 'sharp';
import { FormatError } from '@metricopt/core';
import type { FontFace } from './font-file.js';
import { pangoDescription } from './font-faces.js';
import { escapeMarkup } from './pango-markup.js';

/** A rendered glyph: ink coverage in [0, 1], cropped to its ink, placed against its line box. */
export interface GlyphBitmap {
  width: number;
  height: number;
  /** Coverage, row-major, width × height. */
  data: Float32Array;
  /** Rows from the top of the line box to the top of the ink (negative when the ink rises above the line box). */
  top: number;
  /** Height of the line box (the strut's: descent to ascent of the reference font), in the same pixels. */
  lineHeight: number;
}

/** The full block U+2588 drawn before each glyph: its height is the line box every glyph is placed against. */
const STRUT = '\u2588';

/**
 * Renders single characters of a font face with sharp (Pango through libvips), so that every
 * glyph keeps its size and height on the line: the character is drawn after an invisible-to-the-
 * result strut — a full block in a fixed reference face, in another colour — whose rows give
 * the line box (sharp crops its output to the ink). Font fallback is off for the character, so a
 * face that lacks it draws Pango's missing-glyph box instead of another font's glyph;
 * `isMissingBox` recognises that box.
 *
 * ```ts
 * const renderer = new GlyphRenderer({ strut: dejaVuSans, lineHeight: 64 });
 * const a = await renderer.render(dejaVuSerifBold, 'a');   // { width: 27, height: 31, top: 24, lineHeight: 64, … }
 * ```
 */
export class GlyphRenderer {
  /** The font size (px) that makes the strut `lineHeight` tall. */
  private px: number | null = null;
  private readonly missing = new Map<string, GlyphBitmap | null>();

  /** `strut`: the reference face whose full block sets the line box (null: whichever face fontconfig picks). */
  constructor(private readonly options: { strut: FontFace | null; lineHeight: number }) {}

  /** The glyph of `text` in `face`, or null when nothing is drawn (no ink). */
  async render(face: FontFace, text: string): Promise<GlyphBitmap | null> {
    const px = await this.fontSize();
    return this.draw(face, text, px);
  }

  /** The missing-glyph box `face` draws for a code point it lacks (null if it draws nothing). */
  async missingBox(face: FontFace): Promise<GlyphBitmap | null> {
    const key = `${face.file}#${face.index}`;
    if (!this.missing.has(key)) {
      // Unassigned code points in the Greek block: 4 hex digits, like every code point the glyph inventory asks for.
      const probe = [0x0378, 0x0379, 0x0380, 0x0381, 0x0382, 0x0383, 0x038b, 0x038d, 0x03a2].find((cp) => !face.covers(cp));
      this.missing.set(key, probe === undefined ? null : await this.render(face, String.fromCodePoint(probe)));
    }
    return this.missing.get(key)!;
  }

  private async fontSize(): Promise<number> {
    if (this.px === null) {
      const probe = 100;
      // Rendered with the strut face's own file, which registers it with fontconfig for every later call.
      const { lineHeight } = await this.rasterise(this.strutMarkup(probe, ''), this.options.strut, probe);
      if (!(lineHeight > 0)) throw new FormatError('glyph renderer', `the strut font '${this.options.strut?.family ?? 'default'}' draws no full block (U+2588)`);
      this.px = Math.max(4, Math.round((probe * this.options.lineHeight) / lineHeight));
    }
    return this.px;
  }

  private strutMarkup(px: number, after: string): string {
    const strut = this.options.strut;
    const family = strut === null ? '' : ` font_desc="${escapeMarkup(pangoDescription(strut, px))}"`;
    return `<span${family} weight="normal" style="normal" stretch="normal" foreground="#FF0000">${STRUT}  </span>${after}`;
  }

  private async draw(face: FontFace, text: string, px: number): Promise<GlyphBitmap | null> {
    const markup = this.strutMarkup(px, `<span foreground="#00FF00" fallback="false">${escapeMarkup(text)}</span>`);
    const { lineHeight, top, glyph } = await this.rasterise(markup, face, px);
    if (glyph === null) return null;
    return { ...glyph, top: glyph.top - top, lineHeight };
  }

  /** Renders markup as RGBA and separates the strut (red) from the glyph (green). */
  private async rasterise(markup: string, face: FontFace | null, px: number) {
    const text = {
      text: markup,
      dpi: 72,
      rgba: true,
      ...(face === null ? {} : { font: pangoDescription(face, px), fontfile: face.file }),
    };
    let raw: { data: Buffer; info: OutputInfo };
    try {
      raw = await sharp({ text }).raw().toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw new FormatError(face?.file ?? 'glyph renderer', `sharp could not render ${JSON.stringify(markup)}: ${(err as Error).message}`, { cause: err });
    }
    const { width, height, channels } = raw.info;
    const px4 = raw.data;
    let strutTop = -1;
    let strutBottom = -1;
    let x0 = width;
    let x1 = -1;
    let y0 = height;
    let y1 = -1;
    const coverage = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * channels;
        const r = px4[p]!;
        const g = px4[p + 1]!;
        const a = channels === 4 ? px4[p + 3]! : 255;
        if (r > 128 && g < 64 && a > 128) {
          if (strutTop < 0) strutTop = y;
          strutBottom = y;
        }
        const c = (a / 255) * (g / 255);
        if (c > 0.02) {
          coverage[y * width + x] = c;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    const lineHeight = strutTop < 0 ? 0 : strutBottom - strutTop + 1;
    if (x1 < 0) return { lineHeight, top: strutTop, glyph: null };
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) data.set(coverage.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + w), y * w);
    return { lineHeight, top: strutTop, glyph: { width: w, height: h, data, top: y0 } };
  }
}

/**
 * Whether a rendering is the missing-glyph box of its face: the same size (within a pixel) as the
 * box drawn for a code point the face lacks, and a solid frame around the ink.
 */
export function isMissingBox(glyph: GlyphBitmap, box: GlyphBitmap | null): boolean {
  if (box === null || Math.abs(glyph.width - box.width) > 1 || Math.abs(glyph.height - box.height) > 1) return false;
  const { width: w, height: h, data } = glyph;
  let inked = 0;
  let total = 0;
  for (let x = 0; x < w; x++) {
    inked += Number(data[x]! > 0.5) + Number(data[(h - 1) * w + x]! > 0.5);
    total += 2;
  }
  for (let y = 1; y < h - 1; y++) {
    inked += Number(data[y * w]! > 0.5) + Number(data[y * w + w - 1]! > 0.5);
    total += 2;
  }
  return inked / total >= 0.9;
}
