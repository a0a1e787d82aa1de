import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFontFaces } from './font-faces.js';
import { loadGlyphDataset, type GlyphDatasetOptions } from './glyph-dataset.js';
import { GlyphRenderer, isMissingBox } from './render-glyph.js';

// fonts-dejavu-core (installed by .ci/run): 20-odd faces, enough for every check here.
const DEJAVU = '/usr/share/fonts/truetype/dejavu';

let cache: string;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'glyphs-'));
});
afterAll(async () => {
  await rm(cache, { recursive: true, force: true });
});

const tiny = (over: Partial<GlyphDatasetOptions> = {}): GlyphDatasetOptions => ({
  fontDirs: [DEJAVU],
  classes: [
    { chars: ['A', 'Α', 'А'], script: 'latin' },
    { chars: ['a'], script: 'latin' },
    { chars: ['&'], script: 'symbols' },
    { chars: ['<'], script: 'symbols' },
    { chars: ['ж'], script: 'cyrillic' },
    { chars: ['\u0f40'], script: 'tibetan' }, // DejaVu has no Tibetan
    { chars: ['\u0378'], script: 'none' }, // unassigned in Unicode
  ],
  size: 16,
  samplesPerClass: 4,
  minFaces: 3,
  cacheDir: null,
  ...over,
});

describe('loadGlyphDataset', () => {
  it('renders each class from distinct faces that really draw it, and drops the rest', async () => {
    const ds = await loadGlyphDataset(tiny());
    expect(ds.classes.map((c) => c.chars[0])).toEqual(['A', 'a', '&', '<', 'ж']);
    expect(ds.dropped.map((d) => [d.chars[0], d.faces])).toEqual([['\u0f40', 0], ['\u0378', 0]]);
    expect(ds.shape).toEqual([20, 16, 16]);
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
    for (let c = 0; c < 5; c++) expect(new Set(ds.faces.subarray(4 * c, 4 * c + 4)).size).toBe(4);
    expect(ds.fonts.every((f) => f.file.startsWith(DEJAVU) && f.family.startsWith('DejaVu'))).toBe(true);
    expect(ds.strutFamily).toBe('DejaVu Sans');
    // Every image has ink; '&' and '<' (Pango markup characters) are drawn as themselves, differently.
    for (let i = 0; i < 20; i++) expect(ds.images.subarray(i * 256, (i + 1) * 256).some((v) => v > 128)).toBe(true);
    expect(ds.images.subarray(8 * 256, 9 * 256)).not.toEqual(ds.images.subarray(12 * 256, 13 * 256));
  });

  it('is deterministic for a seed and cached on disk by its config', async () => {
    const first = await loadGlyphDataset(tiny({ cacheDir: cache }));
    const again = await loadGlyphDataset(tiny());
    const cached = await loadGlyphDataset(tiny({ cacheDir: cache }));
    expect(first.cached).toBe(false);
    expect(cached.cached).toBe(true);
    expect(cached.dir).toBe(first.dir);
    expect(again.images).toEqual(first.images);
    expect(cached.images).toEqual(first.images);
    expect([cached.labels, cached.faces, cached.fonts, cached.classes]).toEqual([first.labels, first.faces, first.fonts, first.classes]);
    const other = await loadGlyphDataset(tiny({ seed: 2 }));
    expect(other.images).not.toEqual(first.images);
  });

  it('rejects bad options naming them', async () => {
    await expect(loadGlyphDataset(tiny({ size: 3 }))).rejects.toThrow(/size/);
    await expect(loadGlyphDataset(tiny({ augmentation: { stroke: 0.7 } }))).rejects.toThrow(/augmentation\.stroke/);
    await expect(loadGlyphDataset(tiny({ fontDirs: [join(cache, 'nothing-here')] }))).rejects.toThrow(/no font files .*apt-get install fonts-dejavu-core/);
  });
});

describe('GlyphRenderer', () => {
  it('tells the missing-glyph box from a real glyph', async () => {
    const { faces } = await loadFontFaces([DEJAVU]);
    const sans = faces.find((f) => f.family === 'DejaVu Sans' && f.subfamily === 'Book')!;
    const renderer = new GlyphRenderer({ strut: sans, lineHeight: 32 });
    const box = await renderer.missingBox(sans);
    // Rendered anyway (fallback off): Tibetan Ka is not in DejaVu Sans, so Pango draws its missing-glyph box.
    const missing = (await renderer.render(sans, '\u0f40'))!;
    const real = (await renderer.render(sans, 'A'))!;
    expect(box).not.toBeNull();
    expect(isMissingBox(missing, box)).toBe(true);
    expect(isMissingBox(real, box)).toBe(false);
    // 'x' sits lower on the line than 'X' and is shorter: the line box keeps it.
    const [x, X] = [(await renderer.render(sans, 'x'))!, (await renderer.render(sans, 'X'))!];
    expect(x.lineHeight).toBe(32);
    expect(x.top).toBeGreaterThan(X.top);
    expect(x.top + x.height).toBe(X.top + X.height);
  });
});
