import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError, describe } from '@metricopt/core';
import { DatasetNotFoundError } from '@metricopt/data';
import { parseFontFile, type FontFace } from './font-file.js';

/** Where Debian's font packages (fonts-dejavu-core, fonts-noto-core, fonts-liberation2, fonts-freefont-ttf) install. */
export const SYSTEM_FONT_DIRS: readonly string[] = Object.freeze(['/usr/share/fonts']);

const FONT_EXTENSIONS = /\.(ttf|otf|ttc)$/i;

/** Every .ttf / .otf / .ttc file under the directories (recursively), sorted by path. */
export async function findFontFiles(dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (FONT_EXTENSIONS.test(entry.name)) out.push(path);
    }
  };
  for (const dir of dirs) {
    const info = await stat(dir).catch(() => null);
    if (info?.isDirectory()) await walk(dir);
    else if (info?.isFile() && FONT_EXTENSIONS.test(dir)) out.push(dir);
  }
  return [...new Set(out)].sort();
}

/** A face with the file size it was read from (the cache key of a rendered dataset names it). */
export interface FontFaceInfo extends FontFace {
  bytes: number;
  /** The other files holding the same family and style (whichever fontconfig picks, only code points all of them cover are used). */
  duplicates: string[];
}

/**
 * The faces of every font file under `dirs`, one per family and style: files that repeat a
 * family + subfamily (e.g. Liberation 1.x beside 2.x) are folded into the first by path, which
 * then covers only what all of them cover, since fontconfig may pick any of them. A file that is
 * not a readable font is skipped and listed in `skipped`. No font at all is a
 * DatasetNotFoundError that says which packages to install.
 *
 * ```ts
 * const { faces } = await loadFontFaces(['/usr/share/fonts']);
 * faces.length;                     // 283 on a machine with the four Debian packages
 * faces[0].family;                  // 'DejaVu Math TeX Gyre'
 * ```
 */
export async function loadFontFaces(dirs: readonly string[] = SYSTEM_FONT_DIRS): Promise<{ faces: FontFaceInfo[]; skipped: { file: string; reason: string }[] }> {
  if (!Array.isArray(dirs) || dirs.length === 0 || !dirs.every((d) => typeof d === 'string')) {
    throw new InvalidArgumentError('loadFontFaces', 'dirs', 'a non-empty list of directories', describe(dirs));
  }
  const files = await findFontFiles(dirs);
  const skipped: { file: string; reason: string }[] = [];
  const byStyle = new Map<string, FontFaceInfo>();
  for (const file of files) {
    let faces: FontFace[];
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
      faces = parseFontFile(bytes, file);
    } catch (err) {
      if (!(err instanceof FormatError) && (err as NodeJS.ErrnoException).code === undefined) throw err;
      skipped.push({ file, reason: (err as Error).message });
      continue;
    }
    for (const face of faces) {
      const key = `${face.family}\u0000${face.subfamily}`;
      const first = byStyle.get(key);
      if (first === undefined) {
        byStyle.set(key, { ...face, bytes: bytes.length, duplicates: [] });
      } else {
        const earlier = first.covers;
        first.covers = (cp) => earlier(cp) && face.covers(cp);
        first.duplicates.push(face.file);
      }
    }
  }
  if (byStyle.size === 0) {
    throw new DatasetNotFoundError('glyphs', dirs.join(', '),
      `no font files (.ttf, .otf, .ttc) found in ${dirs.join(', ')}` +
      (skipped.length > 0 ? ` (${skipped.length} unreadable)` : '') +
      '. Install fonts, e.g. `apt-get install fonts-dejavu-core fonts-noto-core fonts-liberation2 fonts-freefont-ttf`, or pass a directory of font files.');
  }
  return { faces: [...byStyle.values()], skipped };
}

const WEIGHTS: [number, string][] = [
  [150, 'Thin'], [250, 'Ultra-Light'], [325, 'Light'], [365, 'Semi-Light'], [390, 'Book'], [450, ''], [550, 'Medium'],
  [650, 'Semi-Bold'], [750, 'Bold'], [850, 'Ultra-Bold'], [Infinity, 'Heavy'],
];
const WIDTHS = ['', 'Ultra-Condensed', 'Extra-Condensed', 'Condensed', 'Semi-Condensed', '', 'Semi-Expanded', 'Expanded', 'Extra-Expanded', 'Ultra-Expanded'];

/**
 * The Pango font description that selects a face through fontconfig: its legacy family (ended by
 * a comma, so no word of it is read as a style), then weight, slope and width from its OS/2
 * table, then the size in pixels.
 *
 * ```ts
 * pangoDescription(dejaVuSansCondensedBoldOblique, 40);   // 'DejaVu Sans Condensed, Bold Oblique Condensed 40px'
 * ```
 */
export function pangoDescription(face: Pick<FontFace, 'family' | 'weight' | 'width' | 'italic' | 'oblique'>, px: number): string {
  const weight = WEIGHTS.find(([limit]) => face.weight < limit)![1];
  const slope = face.oblique ? 'Oblique' : face.italic ? 'Italic' : '';
  const width = WIDTHS[face.width] ?? '';
  const style = [weight, slope, width].filter((w) => w !== '').join(' ');
  return `${face.family},${style === '' ? '' : ` ${style}`} ${px}px`;
}
