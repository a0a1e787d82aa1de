import { FormatError, InvalidArgumentError, describe } from '@metricopt/core';
import { decodePixels } from '@metricopt/data';
import type { ImageList } from './image-list.js';
import type { RetrievalDataset } from './retrieval-dataset.js';

export interface DecodeImageListOptions {
  /** Images are resized (cropped to cover) to size × size (default 32). */
  size?: number;
  /** 3 (RGB, default) or 1 (gray). */
  channels?: 1 | 3;
  /** Keep at most the first n images of each class. */
  perClass?: number;
  /** Keep at most n classes: the lowest ids of the training half and of the test half, half each (SOP has 22,634). */
  maxClasses?: number;
  /** 'throw' (default) stops at the first unreadable image; 'skip' leaves it out and lists it in info.skipped. */
  onError?: 'throw' | 'skip';
  /** Images decoded at once (default 4). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes an image list into a RetrievalDataset: uint8 [N, size, size, channels] images with the
 * list's class ids as labels, its test classes kept. A missing or corrupt image is a FormatError
 * naming it (or, with `onError: 'skip'`, left out and listed).
 *
 * ```ts
 * const cub = await decodeImageList(await loadCubList(dir), { size: 32, perClass: 30 });
 * cub.images.shape;   // [6000, 32, 32, 3]
 * ```
 */
export async function decodeImageList(list: ImageList, options: DecodeImageListOptions = {}): Promise<RetrievalDataset> {
  const fn = 'decodeImageList';
  const size = options.size ?? 32;
  const channels = options.channels ?? 3;
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(size) || size < 4) throw new InvalidArgumentError(fn, 'size', 'an integer ≥ 4', describe(size));
  if (channels !== 1 && channels !== 3) throw new InvalidArgumentError(fn, 'channels', '1 or 3', describe(channels));
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(fn, 'concurrency', 'a positive integer', describe(concurrency));
  for (const key of ['perClass', 'maxClasses'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < (key === 'maxClasses' ? 4 : 1))) {
      throw new InvalidArgumentError(fn, key, `an integer ≥ ${key === 'maxClasses' ? 4 : 1}`, describe(v));
    }
  }
  const testSet = new Set(list.testClasses);
  let keepClass = (_: number) => true;
  if (options.maxClasses !== undefined) {
    const classes = [...new Set(list.labels)].sort((a, b) => a - b);
    const half = Math.floor(options.maxClasses / 2);
    const kept = new Set([...classes.filter((c) => !testSet.has(c)).slice(0, options.maxClasses - half), ...classes.filter((c) => testSet.has(c)).slice(0, half)]);
    keepClass = (c) => kept.has(c);
  }
  const taken = new Map<number, number>();
  const rows: number[] = [];
  list.labels.forEach((c, i) => {
    if (!keepClass(c)) return;
    const n = taken.get(c) ?? 0;
    if (options.perClass !== undefined && n >= options.perClass) return;
    taken.set(c, n + 1);
    rows.push(i);
  });
  const pixels = size * size * channels;
  const decoded: (Uint8Array | null)[] = new Array(rows.length).fill(null);
  const skipped: { path: string; reason: string }[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const k = next++;
      const path = list.paths[rows[k]!]!;
      try {
        const img = await decodePixels(path, { channels, resize: { width: size, height: size, fit: 'cover' } });
        decoded[k] = Uint8Array.from(img.data, (v) => Math.round(v * 255));
      } catch (err) {
        if (!(err instanceof FormatError) || options.onError !== 'skip') throw err;
        skipped.push({ path, reason: err.message });
      }
      options.onProgress?.(++done, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, rows.length)) }, worker));
  const kept = rows.map((r, k) => ({ r, k })).filter(({ k }) => decoded[k] !== null);
  const images = new Uint8Array(kept.length * pixels);
  kept.forEach(({ k }, i) => images.set(decoded[k]!, i * pixels));
  const labels = Int32Array.from(kept, ({ r }) => list.labels[r]!);
  const present = new Set(labels);
  return {
    name: list.name,
    images: { images, shape: [kept.length, size, size, channels], labels },
    testClasses: list.testClasses.filter((c) => present.has(c)),
    groups: null,
    info: { root: list.root, images: kept.length, listed: list.paths.length, classes: present.size, size, skipped: skipped.sort((a, b) => (a.path < b.path ? -1 : 1)) },
  };
}
