import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError, Rng, describe, writeJsonAtomic } from '@metricopt/core';
import { readIdx, writeIdx, type LabelledImages } from '@metricopt/data';
import { cacheDir, canonicalJson, configKey, isDirectory, writeEntry } from '../cache/cache-dir.js';
import { DEFAULT_AUGMENTATION, drawAugmentation, drawGlyph, type GlyphAugmentationRanges } from './draw-glyph.js';
import { SYSTEM_FONT_DIRS, loadFontFaces, pangoDescription, type FontFaceInfo } from './font-faces.js';
import { glyphInventory, type GlyphClassSpec } from './glyph-inventory.js';
import { GlyphRenderer, isMissingBox, type GlyphBitmap } from './render-glyph.js';

export interface GlyphDatasetOptions {
  /** Directories searched (recursively) for .ttf / .otf / .ttc files (default /usr/share/fonts). */
  fontDirs?: readonly string[];
  /** Image side in pixels (default 32). */
  size?: number;
  /** Images per class (default 24), each of a different face while the class has enough faces. */
  samplesPerClass?: number;
  /** A class needs this many faces that draw it distinctly, else it is dropped (default 4). */
  minFaces?: number;
  /** The classes to draw (default glyphInventory()). */
  classes?: readonly GlyphClassSpec[];
  augmentation?: Partial<GlyphAugmentationRanges>;
  /** Seeds face order and augmentations (default 1): the same seed and fonts give the same bytes. */
  seed?: number;
  /** Where rendered datasets are kept (default $METRICOPT_CACHE/glyphs or ~/.cache/metricopt/glyphs); null: no cache. */
  cacheDir?: string | null;
  /** Render again even when cached, and replace the entry. */
  refresh?: boolean;
  /** Classes rendered at once (default 4; sharp renders on libuv's threads). */
  concurrency?: number;
  onProgress?: (classesDone: number, classesTotal: number) => void;
}

/** A font face the dataset drew from. */
export interface GlyphFont {
  file: string;
  family: string;
  subfamily: string;
  /** The Pango description that selected it (size left out). */
  description: string;
}

export interface GlyphClass {
  label: number;
  chars: string[];
  script: string;
  /** Distinct faces its images come from. */
  faces: number;
}

/** The rendered dataset: gray images [N, size, size] (uint8, ink 255), class-major, with the face of each image. */
export interface GlyphDataset extends LabelledImages {
  images: Uint8Array;
  /** Index into `fonts` of each image's face. */
  faces: Int32Array;
  classes: GlyphClass[];
  /** Inventory classes left out: too few faces draw them. */
  dropped: { chars: string[]; script: string; faces: number }[];
  fonts: GlyphFont[];
  /** The reference face whose full block sets the line box. */
  strutFamily: string | null;
  /** The cache key and directory (null without a cache), and whether it was read from there. */
  key: string;
  dir: string | null;
  cached: boolean;
}

const FORMAT = 1;

/**
 * The glyphs dataset: characters rendered from real font files with sharp, one class per
 * character (look-alikes across scripts merged), each drawn by many font faces with seeded
 * augmentations (scale, rotation, shift, stroke weight and roughness). A face counts for a class
 * only when its character map has the character, its rendering is not the missing-glyph box and
 * differs from every other face's (so no face is counted twice). Classes drawn by fewer than
 * `minFaces` faces are dropped. The result is cached on disk by its whole config (fonts with
 * their sizes, classes, size, counts, augmentation, seed) as IDX files plus `glyphs.json`.
 *
 * ```ts
 * const glyphs = await loadGlyphDataset({ samplesPerClass: 24 });
 * glyphs.shape;            // [N, 32, 32]
 * glyphs.classes.length;   // ~600 with the four Debian font packages
 * glyphs.fonts.length;     // faces used
 * ```
 */
export async function loadGlyphDataset(options: GlyphDatasetOptions = {}): Promise<GlyphDataset> {
  const fn = 'loadGlyphDataset';
  const size = positiveInt(fn, 'size', options.size ?? 32, 8);
  const samplesPerClass = positiveInt(fn, 'samplesPerClass', options.samplesPerClass ?? 24, 1);
  const minFaces = positiveInt(fn, 'minFaces', options.minFaces ?? 4, 1);
  const concurrency = positiveInt(fn, 'concurrency', options.concurrency ?? 4, 1);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(fn, 'seed', 'an integer', describe(seed));
  const augmentation = checkAugmentation({ ...DEFAULT_AUGMENTATION, ...options.augmentation });
  const specs = options.classes ?? glyphInventory();
  if (!Array.isArray(specs) || specs.length < 2 || !specs.every((s) => Array.isArray(s?.chars) && s.chars.length > 0)) {
    throw new InvalidArgumentError(fn, 'classes', 'at least 2 classes, each with characters', describe(specs));
  }
  const fontDirs = options.fontDirs ?? SYSTEM_FONT_DIRS;
  const { faces } = await loadFontFaces(fontDirs);
  const strut = strutFace(faces);
  const config = {
    format: FORMAT,
    fonts: faces.map((f) => ({ file: f.file, index: f.index, bytes: f.bytes, duplicates: f.duplicates })),
    strut: strut?.family ?? null,
    classes: specs.map((s) => s.chars.join('')),
    size, samplesPerClass, minFaces, augmentation, seed,
  };
  const key = configKey(config);
  const root = options.cacheDir === undefined ? cacheDir('glyphs') : options.cacheDir;
  const dir = root === null ? null : join(root, key);
  if (dir !== null && options.refresh === true) await rm(dir, { recursive: true, force: true });
  if (dir !== null && !options.refresh && (await isDirectory(dir))) {
    try {
      return await readEntry(dir, config, key);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      await rm(dir, { recursive: true, force: true });
    }
  }
  const built = await renderGlyphs(faces, strut, specs, { size, samplesPerClass, minFaces, augmentation, seed, concurrency,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const dataset: GlyphDataset = { ...built, key, dir, cached: false };
  if (dir !== null) {
    await writeEntry(dir, async (tmp) => {
      await writeIdx(join(tmp, 'images-idx3-ubyte.gz'), { dtype: 'uint8', shape: dataset.shape, data: dataset.images }, { gzip: true });
      await writeIdx(join(tmp, 'labels-idx1-ubyte'), { dtype: 'int32', shape: [dataset.labels.length], data: dataset.labels });
      await writeIdx(join(tmp, 'faces-idx1-ubyte'), { dtype: 'int32', shape: [dataset.faces.length], data: dataset.faces });
      await writeJsonAtomic(join(tmp, 'glyphs.json'), {
        config, classes: dataset.classes, dropped: dataset.dropped, fonts: dataset.fonts, strutFamily: dataset.strutFamily,
      });
    });
  }
  return dataset;
}

interface RenderSettings {
  size: number;
  samplesPerClass: number;
  minFaces: number;
  augmentation: GlyphAugmentationRanges;
  seed: number;
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}

type Rendered = Omit<GlyphDataset, 'key' | 'dir' | 'cached'>;

async function renderGlyphs(faces: FontFaceInfo[], strut: FontFaceInfo | null, specs: readonly GlyphClassSpec[], s: RenderSettings): Promise<Rendered> {
  const renderer = new GlyphRenderer({ strut, lineHeight: 2 * s.size });
  const master = new Rng(s.seed);
  // One generator per class, forked in class order: the result does not depend on which class finishes first.
  const rngs = specs.map(() => master.fork());
  const results: ({ faces: number[]; pixels: Uint8Array[] } | { dropped: number })[] = new Array(specs.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      const c = next++;
      results[c] = await renderClass(renderer, faces, specs[c]!, rngs[c]!, s);
      s.onProgress?.(++done, specs.length);
    }
  };
  await Promise.all(Array.from({ length: s.concurrency }, worker));

  const usedFaces = new Map<number, number>();
  const classes: GlyphClass[] = [];
  const dropped: Rendered['dropped'] = [];
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  const faceOf: number[] = [];
  specs.forEach((spec, c) => {
    const r = results[c]!;
    if ('dropped' in r) {
      dropped.push({ chars: spec.chars, script: spec.script, faces: r.dropped });
      return;
    }
    const label = classes.length;
    classes.push({ label, chars: spec.chars, script: spec.script, faces: new Set(r.faces).size });
    r.pixels.forEach((p, i) => {
      const face = r.faces[i]!;
      if (!usedFaces.has(face)) usedFaces.set(face, usedFaces.size);
      images.push(p);
      labels.push(label);
      faceOf.push(face);
    });
  });
  if (classes.length < 2) {
    throw new FormatError('glyphs dataset', `only ${classes.length} character classes have ${s.minFaces} or more distinct faces among ${faces.length} font faces; add fonts or lower minFaces`);
  }
  // Fonts listed in the order of the files, renumbered to the faces used.
  const order = [...usedFaces.keys()].sort((a, b) => a - b);
  const renumber = new Map(order.map((f, i) => [f, i]));
  const n = images.length;
  const flat = new Uint8Array(n * s.size * s.size);
  images.forEach((p, i) => flat.set(p, i * s.size * s.size));
  return {
    images: flat,
    shape: [n, s.size, s.size],
    labels: Int32Array.from(labels),
    faces: Int32Array.from(faceOf, (f) => renumber.get(f)!),
    classes,
    dropped,
    fonts: order.map((f) => {
      const face = faces[f]!;
      return { file: face.file, family: face.family, subfamily: face.subfamily, description: pangoDescription(face, 0).replace(/,? 0px$/, '') };
    }),
    strutFamily: strut?.family ?? null,
  };
}

/** One class: distinct faces in a seeded order, then samplesPerClass augmented images cycling over them. */
async function renderClass(
  renderer: GlyphRenderer,
  faces: FontFaceInfo[],
  spec: GlyphClassSpec,
  rng: Rng,
  s: RenderSettings,
): Promise<{ faces: number[]; pixels: Uint8Array[] } | { dropped: number }> {
  const codePoints = spec.chars.map((c) => c.codePointAt(0)!);
  const candidates = faces.map((_, i) => i).filter((i) => codePoints.some((cp) => faces[i]!.covers(cp)));
  const order = rng.permutation(candidates.length);
  const accepted: { face: number; glyph: GlyphBitmap }[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < order.length && accepted.length < s.samplesPerClass; k++) {
    const face = candidates[order[k]!]!;
    const members = spec.chars.filter((_, m) => faces[face]!.covers(codePoints[m]!));
    const char = members[rng.int(members.length)]!;
    const glyph = await renderer.render(faces[face]!, char);
    if (glyph === null || isMissingBox(glyph, await renderer.missingBox(faces[face]!))) continue;
    const hash = glyphHash(glyph);
    if (seen.has(hash)) continue;
    seen.add(hash);
    accepted.push({ face, glyph });
  }
  if (accepted.length < s.minFaces) return { dropped: accepted.length };
  const out = { faces: [] as number[], pixels: [] as Uint8Array[] };
  for (let i = 0; i < s.samplesPerClass; i++) {
    const { face, glyph } = accepted[i % accepted.length]!;
    out.faces.push(face);
    out.pixels.push(drawGlyph(glyph, s.size, drawAugmentation(s.augmentation, rng), rng));
  }
  return out;
}

function glyphHash(g: GlyphBitmap): string {
  return createHash('sha1').update(`${g.width}x${g.height}@${g.top}/${g.lineHeight}:`).update(new Uint8Array(g.data.buffer, g.data.byteOffset, g.data.byteLength)).digest('hex');
}

/** DejaVu Sans when present (its full block spans ascent to descent), else the first face with a full block. */
function strutFace(faces: FontFaceInfo[]): FontFaceInfo | null {
  const blocks = faces.filter((f) => f.covers(0x2588));
  return blocks.find((f) => f.family === 'DejaVu Sans' && !f.italic && f.weight === 400) ?? blocks[0] ?? null;
}

async function readEntry(dir: string, config: unknown, key: string): Promise<GlyphDataset> {
  const metaPath = join(dir, 'glyphs.json');
  let meta: { config: unknown; classes: GlyphClass[]; dropped: GlyphDataset['dropped']; fonts: GlyphFont[]; strutFamily: string | null };
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8'));
  } catch (err) {
    throw new FormatError(metaPath, `cannot be read as JSON (${(err as Error).message})`, { cause: err });
  }
  if (canonicalJson(meta.config) !== canonicalJson(config)) throw new FormatError(metaPath, 'belongs to another config');
  const images = await readIdx(join(dir, 'images-idx3-ubyte.gz'));
  const labels = await readIdx(join(dir, 'labels-idx1-ubyte'));
  const faces = await readIdx(join(dir, 'faces-idx1-ubyte'));
  const n = images.shape[0]!;
  if (!(images.data instanceof Uint8Array) || labels.data.length !== n || faces.data.length !== n) {
    throw new FormatError(dir, `inconsistent cache entry: ${n} images, ${labels.data.length} labels, ${faces.data.length} faces`);
  }
  return {
    // A plain Uint8Array (readIdx may hand back a Buffer).
    images: new Uint8Array(images.data),
    shape: images.shape,
    labels: Int32Array.from(labels.data),
    faces: Int32Array.from(faces.data),
    classes: meta.classes,
    dropped: meta.dropped,
    fonts: meta.fonts,
    strutFamily: meta.strutFamily,
    key,
    dir,
    cached: true,
  };
}

function positiveInt(fn: string, argument: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) throw new InvalidArgumentError(fn, argument, `an integer ≥ ${min}`, describe(value));
  return value as number;
}

function checkAugmentation(a: GlyphAugmentationRanges): GlyphAugmentationRanges {
  const fn = 'loadGlyphDataset';
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (!Array.isArray(a.scale) || a.scale.length !== 2 || !a.scale.every((v) => ok(v) && v > 0) || a.scale[0] > a.scale[1]) {
    throw new InvalidArgumentError(fn, 'augmentation.scale', '[min, max] with 0 < min ≤ max', describe(a.scale));
  }
  for (const k of ['rotation', 'shift', 'stroke', 'roughness'] as const) {
    if (!ok(a[k])) throw new InvalidArgumentError(fn, `augmentation.${k}`, 'a finite number ≥ 0', describe(a[k]));
  }
  if (a.stroke >= 0.5) throw new InvalidArgumentError(fn, 'augmentation.stroke', 'a number in [0, 0.5)', describe(a.stroke));
  return { scale: [a.scale[0], a.scale[1]], rotation: a.rotation, shift: a.shift, stroke: a.stroke, roughness: a.roughness };
}
