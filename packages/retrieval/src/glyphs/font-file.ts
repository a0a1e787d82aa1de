import { FormatError } from '@metricopt/core';

/** One face of a font file (a .ttc collection has several), as read from its sfnt tables. */
export interface FontFace {
  /** The font file. */
  file: string;
  /** Index of the face in a collection (0 for a plain .ttf / .otf). */
  index: number;
  /** Legacy family name (name ID 1), the one fontconfig knows every face by. */
  family: string;
  /** Legacy subfamily (name ID 2), e.g. `Bold Italic`. */
  subfamily: string;
  /** Full name (name ID 4), e.g. `DejaVu Sans Condensed Bold`. */
  fullName: string;
  /** OS/2 weight class (100–900; 400 when the table is absent). */
  weight: number;
  /** OS/2 width class (1–9, 5 normal). */
  width: number;
  italic: boolean;
  oblique: boolean;
  /** Whether the face maps a code point to a real glyph (not .notdef). */
  covers(codePoint: number): boolean;
}

interface Table {
  offset: number;
  length: number;
}

/**
 * Reads the faces of a TrueType / OpenType font or collection (`.ttf`, `.otf`, `.ttc`): names,
 * weight, width and slope, and the character map (cmap formats 4 and 12), which says exactly
 * which code points the face draws. A file that is not a font, or whose tables are cut short, is
 * a FormatError naming it.
 *
 * ```ts
 * const [face] = parseFontFile(await readFile('DejaVuSans.ttf'), 'DejaVuSans.ttf');
 * face.family;             // 'DejaVu Sans'
 * face.covers(0x416);      // true (Cyrillic Zhe)
 * ```
 */
export function parseFontFile(bytes: Uint8Array, file: string): FontFace[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at: number, n: number, what: string): void => {
    if (at < 0 || at + n > bytes.length) throw new FormatError(file, `truncated font: ${what} at byte ${at} runs past the end (${bytes.length} bytes)`);
  };
  need(0, 12, 'the header');
  const tag = readTag(view, 0);
  if (tag === 'ttcf') {
    const count = view.getUint32(8);
    need(12, 4 * count, 'the collection directory');
    return Array.from({ length: count }, (_, i) => parseFace(view, view.getUint32(12 + 4 * i), file, i, need));
  }
  return [parseFace(view, 0, file, 0, need)];
}

function readTag(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

type Need = (at: number, n: number, what: string) => void;

function parseFace(view: DataView, at: number, file: string, index: number, need: Need): FontFace {
  need(at, 12, 'the offset table');
  const version = view.getUint32(at);
  if (version !== 0x00010000 && readTag(view, at) !== 'OTTO' && readTag(view, at) !== 'true') {
    throw new FormatError(file, `not a TrueType/OpenType font (sfnt version 0x${version.toString(16).padStart(8, '0')})`);
  }
  const numTables = view.getUint16(at + 4);
  need(at + 12, 16 * numTables, 'the table directory');
  const tables = new Map<string, Table>();
  for (let i = 0; i < numTables; i++) {
    const rec = at + 12 + 16 * i;
    const table = { offset: view.getUint32(rec + 8), length: view.getUint32(rec + 12) };
    need(table.offset, table.length, `table '${readTag(view, rec)}'`);
    tables.set(readTag(view, rec), table);
  }
  const cmap = tables.get('cmap');
  const name = tables.get('name');
  if (cmap === undefined) throw new FormatError(file, 'font has no cmap table (no character map)');
  if (name === undefined) throw new FormatError(file, 'font has no name table');
  const names = readNames(view, name, need);
  const os2 = tables.get('OS/2');
  let weight = 400;
  let width = 5;
  let selection = 0;
  if (os2 !== undefined && os2.length >= 64) {
    weight = view.getUint16(os2.offset + 4);
    width = view.getUint16(os2.offset + 6);
    selection = view.getUint16(os2.offset + 62);
  }
  const family = names.get(1) ?? '';
  if (family === '') throw new FormatError(file, 'font has no family name (name ID 1)');
  const lookup = readCmap(view, cmap, file, need);
  return {
    file,
    index,
    family,
    subfamily: names.get(2) ?? 'Regular',
    fullName: names.get(4) ?? family,
    weight,
    width,
    italic: (selection & 1) !== 0,
    oblique: (selection & (1 << 9)) !== 0,
    covers: (cp) => lookup(cp) > 0,
  };
}

/** Name records by name ID: Windows Unicode (US English first) over Macintosh Roman. */
function readNames(view: DataView, table: Table, need: Need): Map<number, string> {
  const base = table.offset;
  need(base, 6, 'the name table header');
  const count = view.getUint16(base + 2);
  const strings = base + view.getUint16(base + 4);
  need(base + 6, 12 * count, 'the name records');
  const best = new Map<number, { rank: number; text: string }>();
  for (let i = 0; i < count; i++) {
    const rec = base + 6 + 12 * i;
    const platform = view.getUint16(rec);
    const language = view.getUint16(rec + 4);
    const id = view.getUint16(rec + 6);
    const length = view.getUint16(rec + 8);
    const offset = strings + view.getUint16(rec + 10);
    let rank: number;
    let text: string;
    if ((platform === 3 || platform === 0) && length % 2 === 0) {
      need(offset, length, `name ${id}`);
      rank = platform === 3 && language === 0x409 ? 0 : 1;
      text = String.fromCharCode(...Array.from({ length: length / 2 }, (_, k) => view.getUint16(offset + 2 * k)));
    } else if (platform === 1 && language === 0) {
      need(offset, length, `name ${id}`);
      rank = 2;
      text = String.fromCharCode(...Array.from({ length }, (_, k) => view.getUint8(offset + k)));
    } else continue;
    const seen = best.get(id);
    if (seen === undefined || rank < seen.rank) best.set(id, { rank, text });
  }
  return new Map([...best].map(([id, v]) => [id, v.text.trim()]));
}

/** The glyph index lookup of the best Unicode subtable (format 12 over format 4); 0 means .notdef. */
function readCmap(view: DataView, table: Table, file: string, need: Need): (cp: number) => number {
  const base = table.offset;
  need(base, 4, 'the cmap header');
  const count = view.getUint16(base + 2);
  need(base + 4, 8 * count, 'the cmap encoding records');
  let best: { rank: number; at: number } | null = null;
  for (let i = 0; i < count; i++) {
    const rec = base + 4 + 8 * i;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const at = base + view.getUint32(rec + 4);
    need(at, 2, 'a cmap subtable');
    const format = view.getUint16(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode || (format !== 4 && format !== 12)) continue;
    const rank = format === 12 ? 0 : 1;
    if (best === null || rank < best.rank) best = { rank, at };
  }
  if (best === null) throw new FormatError(file, 'font has no Unicode character map (cmap format 4 or 12)');
  return best.rank === 0 ? format12(view, best.at, need) : format4(view, best.at, need);
}

function format12(view: DataView, at: number, need: Need): (cp: number) => number {
  need(at, 16, 'a cmap format 12 header');
  const groups = view.getUint32(at + 12);
  need(at + 16, 12 * groups, 'cmap format 12 groups');
  return (cp) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = at + 16 + 12 * mid;
      if (cp < view.getUint32(g)) hi = mid - 1;
      else if (cp > view.getUint32(g + 4)) lo = mid + 1;
      else return view.getUint32(g + 8) + (cp - view.getUint32(g));
    }
    return 0;
  };
}

function format4(view: DataView, at: number, need: Need): (cp: number) => number {
  need(at, 14, 'a cmap format 4 header');
  const segments = view.getUint16(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  need(ends, 8 * segments + 2, 'cmap format 4 segments');
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (cp > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (cp < start) return 0;
      const delta = view.getUint16(deltas + 2 * s);
      const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (cp + delta) & 0xffff;
      const glyphAt = rangeOffsets + 2 * s + rangeOffset + 2 * (cp - start);
      if (glyphAt + 2 > view.byteLength) return 0;
      const glyph = view.getUint16(glyphAt);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
