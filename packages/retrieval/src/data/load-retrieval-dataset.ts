import { InvalidArgumentError } from '@metricopt/core';
import { loadGlyphDataset, type GlyphDatasetOptions } from '../glyphs/glyph-dataset.js';
import { loadCarsList } from './cars.js';
import { loadCubList } from './cub.js';
import { decodeImageList, type DecodeImageListOptions } from './decode-image-list.js';
import { loadFashionMnistRetrieval } from './fashion-mnist-retrieval.js';
import { RETRIEVAL_DATASETS, type RetrievalDataset, type RetrievalDatasetName } from './retrieval-dataset.js';
import { loadSopList } from './sop.js';

export interface LoadRetrievalDatasetOptions {
  /** The dataset's directory (glyphs: a directory of font files instead of /usr/share/fonts). */
  dir?: string;
  /** Glyphs: how the dataset is rendered. */
  glyphs?: Omit<GlyphDatasetOptions, 'fontDirs'>;
  /** CUB, Cars196, SOP: how images are decoded (size, perClass, maxClasses, onError). */
  images?: DecodeImageListOptions;
  /** Fashion-MNIST: images kept per class (default 1000). */
  perClass?: number;
}

/**
 * Any of the retrieval benchmark's datasets by name, ready for retrievalSplits: `glyphs`
 * (rendered from fonts; test classes drawn by the protocol, font faces as groups),
 * `fashion-mnist` (classes 0–4 / 5–9), `cub`, `cars`, `sop` (their own layouts under `dir`,
 * decoded to small images).
 *
 * ```ts
 * const ds = await loadRetrievalDataset('cub', { dir: '/data/CUB_200_2011', images: { size: 32 } });
 * ```
 */
export async function loadRetrievalDataset(name: RetrievalDatasetName, options: LoadRetrievalDatasetOptions = {}): Promise<RetrievalDataset> {
  switch (name) {
    case 'glyphs': {
      const g = await loadGlyphDataset({ ...options.glyphs, ...(options.dir === undefined ? {} : { fontDirs: [options.dir] }) });
      return {
        name: 'glyphs',
        images: { images: g.images, shape: g.shape, labels: g.labels },
        testClasses: null,
        groups: g.faces,
        info: {
          classes: g.classes.length,
          images: g.labels.length,
          dropped: g.dropped.map((d) => d.chars.join('')),
          scripts: countBy(g.classes.map((c) => c.script)),
          fonts: g.fonts.map((f) => `${f.description} (${f.file})`),
          strutFamily: g.strutFamily,
          cache: g.dir,
          cached: g.cached,
          key: g.key,
        },
      };
    }
    case 'fashion-mnist':
      return loadFashionMnistRetrieval({ ...(options.dir === undefined ? {} : { dir: options.dir }), ...(options.perClass === undefined ? {} : { perClass: options.perClass }) });
    case 'cub':
    case 'cars':
    case 'sop': {
      if (options.dir === undefined) {
        throw new InvalidArgumentError('loadRetrievalDataset', 'dir', `the ${name} dataset's directory (--data-dir): it cannot be downloaded here`, 'nothing');
      }
      const list = name === 'cub' ? await loadCubList(options.dir) : name === 'cars' ? await loadCarsList(options.dir) : await loadSopList(options.dir);
      return decodeImageList(list, options.images);
    }
    default:
      throw new InvalidArgumentError('loadRetrievalDataset', 'name', `one of ${RETRIEVAL_DATASETS.join(', ')}`, JSON.stringify(name));
  }
}

function countBy(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of items) out[k] = (out[k] ?? 0) + 1;
  return out;
}
