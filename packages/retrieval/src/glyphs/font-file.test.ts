import { readFile } from 'node:fs/promises';
import { FormatError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { pangoDescription } from './font-faces.js';
import { parseFontFile } from './font-file.js';

/** A minimal sfnt written by hand: a cmap (format 4 and/or 12), a name table and an OS/2 table. */
function buildFont(options: {
  format4?: [number, number, number][];
  format12?: [number, number, number][];
  names?: Record<number, string>;
  os2?: { weight: number; width: number; selection: number };
}): Uint8Array {
  const tables: [string, Uint8Array][] = [];
  const subtables: [number, number, Uint8Array][] = [];
  if (options.format4) {
    // Segments [start, end, first glyph] via idDelta, plus the 0xFFFF terminator.
    const segs = [...options.format4, [0xffff, 0xffff, 0] as [number, number, number]];
    const n = segs.length;
    const b = new DataView(new ArrayBuffer(16 + 8 * n));
    b.setUint16(0, 4);
    b.setUint16(2, 16 + 8 * n);
    b.setUint16(6, 2 * n);
    segs.forEach(([start, end, glyph], i) => {
      b.setUint16(14 + 2 * i, end);
      b.setUint16(16 + 2 * n + 2 * i, start);
      b.setUint16(16 + 4 * n + 2 * i, i === n - 1 ? 1 : (glyph - start) & 0xffff);
      b.setUint16(16 + 6 * n + 2 * i, 0);
    });
    subtables.push([3, 1, new Uint8Array(b.buffer)]);
  }
  if (options.format12) {
    const groups = options.format12;
    const b = new DataView(new ArrayBuffer(16 + 12 * groups.length));
    b.setUint16(0, 12);
    b.setUint32(4, 16 + 12 * groups.length);
    b.setUint32(12, groups.length);
    groups.forEach(([start, end, glyph], i) => {
      b.setUint32(16 + 12 * i, start);
      b.setUint32(20 + 12 * i, end);
      b.setUint32(24 + 12 * i, glyph);
    });
    subtables.push([3, 10, new Uint8Array(b.buffer)]);
  }
  const cmapHeader = 4 + 8 * subtables.length;
  const cmap = new Uint8Array(cmapHeader + subtables.reduce((s, [, , t]) => s + t.length, 0));
  const cv = new DataView(cmap.buffer);
  cv.setUint16(2, subtables.length);
  let at = cmapHeader;
  subtables.forEach(([platform, encoding, t], i) => {
    cv.setUint16(4 + 8 * i, platform);
    cv.setUint16(6 + 8 * i, encoding);
    cv.setUint32(8 + 8 * i, at);
    cmap.set(t, at);
    at += t.length;
  });
  tables.push(['cmap', cmap]);
  const names = Object.entries(options.names ?? { 1: 'Test Sans', 2: 'Bold' });
  const strings = names.map(([, s]) => Uint8Array.from([...s].flatMap((c) => [0, c.charCodeAt(0)])));
  const name = new Uint8Array(6 + 12 * names.length + strings.reduce((s, t) => s + t.length, 0));
  const nv = new DataView(name.buffer);
  nv.setUint16(2, names.length);
  nv.setUint16(4, 6 + 12 * names.length);
  let offset = 0;
  names.forEach(([id], i) => {
    const rec = 6 + 12 * i;
    nv.setUint16(rec, 3);
    nv.setUint16(rec + 2, 1);
    nv.setUint16(rec + 4, 0x409);
    nv.setUint16(rec + 6, Number(id));
    nv.setUint16(rec + 8, strings[i]!.length);
    nv.setUint16(rec + 10, offset);
    name.set(strings[i]!, 6 + 12 * names.length + offset);
    offset += strings[i]!.length;
  });
  tables.push(['name', name]);
  if (options.os2) {
    const os2 = new DataView(new ArrayBuffer(78));
    os2.setUint16(4, options.os2.weight);
    os2.setUint16(6, options.os2.width);
    os2.setUint16(62, options.os2.selection);
    tables.push(['OS/2', new Uint8Array(os2.buffer)]);
  }
  const dir = 12 + 16 * tables.length;
  const out = new Uint8Array(dir + tables.reduce((s, [, t]) => s + t.length, 0));
  const ov = new DataView(out.buffer);
  ov.setUint32(0, 0x00010000);
  ov.setUint16(4, tables.length);
  let pos = dir;
  tables.forEach(([tag, t], i) => {
    for (let k = 0; k < 4; k++) out[12 + 16 * i + k] = tag.charCodeAt(k);
    ov.setUint32(12 + 16 * i + 8, pos);
    ov.setUint32(12 + 16 * i + 12, t.length);
    out.set(t, pos);
    pos += t.length;
  });
  return out;
}

describe('parseFontFile', () => {
  it('reads names, style and the format 4 character map of a hand-built font', () => {
    const bytes = buildFont({ format4: [[0x41, 0x5a, 3], [0x3b1, 0x3b3, 40]], os2: { weight: 700, width: 3, selection: 1 } });
    const [face] = parseFontFile(bytes, 'test.ttf');
    expect([face!.family, face!.subfamily, face!.weight, face!.width, face!.italic, face!.oblique]).toEqual(['Test Sans', 'Bold', 700, 3, true, false]);
    const covered = [0x40, 0x41, 0x5a, 0x5b, 0x3b0, 0x3b1, 0x3b3, 0x3b4, 0x1f600].filter((cp) => face!.covers(cp));
    expect(covered).toEqual([0x41, 0x5a, 0x3b1, 0x3b3]);
    expect(pangoDescription(face!, 40)).toBe('Test Sans, Bold Italic Condensed 40px');
  });

  it('prefers a format 12 map (code points past U+FFFF) and treats glyph 0 as missing', () => {
    const bytes = buildFont({ format4: [[0x41, 0x41, 5]], format12: [[0x30, 0x39, 0], [0x1f600, 0x1f602, 9]] });
    const [face] = parseFontFile(bytes, 'test.ttf');
    // Glyph 0 (.notdef) at U+0030 is no coverage; U+0031 maps to glyph 1.
    expect([0x30, 0x31, 0x39, 0x41, 0x1f600, 0x1f602, 0x1f603].map((cp) => face!.covers(cp))).toEqual([false, true, true, false, true, true, false]);
    expect(pangoDescription(face!, 12)).toBe('Test Sans, 12px');
  });

  it('rejects what is not a font, a cut-short file and a font without a Unicode map, naming the file', () => {
    expect(() => parseFontFile(new TextEncoder().encode('hello, this is not a font at all'), 'x.ttf')).toThrow(FormatError);
    expect(() => parseFontFile(new TextEncoder().encode('hello, this is not a font at all'), 'x.ttf')).toThrow(/x\.ttf.*sfnt version/);
    const whole = buildFont({ format4: [[0x41, 0x5a, 3]] });
    expect(() => parseFontFile(whole.subarray(0, whole.length - 10), 'cut.ttf')).toThrow(/cut\.ttf.*truncated/);
    expect(() => parseFontFile(buildFont({}), 'nomap.ttf')).toThrow(/nomap\.ttf.*no Unicode character map/);
  });

  it('reads a real font: DejaVu Sans (fonts-dejavu-core)', async () => {
    const file = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
    const [face] = parseFontFile(await readFile(file), file);
    expect(face!.family).toBe('DejaVu Sans');
    expect(['A', 'ж', 'Ω', '\u2588'].map((c) => face!.covers(c.codePointAt(0)!))).toEqual([true, true, true, true]);
    // Unassigned in Unicode, and Tibetan, which DejaVu does not draw.
    expect([0x378, 0xf40].map((cp) => face!.covers(cp))).toEqual([false, false]);
  });
});
