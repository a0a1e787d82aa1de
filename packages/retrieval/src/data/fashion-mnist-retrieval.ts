import { DatasetNotFoundError, loadEmbedded, loadFashionMnist, type ClassificationDataset } from '@metricopt/data';
import { InvalidArgumentError, describe } from '@metricopt/core';
import type { RetrievalDataset } from './retrieval-dataset.js';

/** Fashion-MNIST's classes 5–9 (Sandal, Shirt, Sneaker, Bag, Ankle boot): the unseen classes of the quick variant. */
export const FASHION_MNIST_TEST_CLASSES: readonly number[] = Object.freeze([5, 6, 7, 8, 9]);

/**
 * Fashion-MNIST as a class-disjoint retrieval dataset, the small quick variant: its train and test
 * images pooled, at most `perClass` of each class (the first ones, in file order), classes 0–4
 * for training (and the metric split), 5–9 unseen. Reads `dir`, else `$FASHION_MNIST_DIR` or the
 * Debian location; without a `dir` and without those files it falls back to the embedded subset
 * (600 + 200 images per class) and says so in `info.source`.
 *
 * ```ts
 * const fm = await loadFashionMnistRetrieval({ perClass: 1000 });
 * fm.testClasses;          // [5, 6, 7, 8, 9]
 * fm.images.shape;         // [10000, 28, 28]
 * ```
 */
export async function loadFashionMnistRetrieval(options: { dir?: string; perClass?: number } = {}): Promise<RetrievalDataset> {
  const perClass = options.perClass ?? 1000;
  if (!Number.isInteger(perClass) || perClass < 2) throw new InvalidArgumentError('loadFashionMnistRetrieval', 'perClass', 'an integer ≥ 2', describe(perClass));
  let ds: ClassificationDataset;
  let source: string;
  try {
    ds = await loadFashionMnist(options.dir === undefined ? {} : { dir: options.dir });
    source = options.dir ?? 'Fashion-MNIST files';
  } catch (err) {
    if (!(err instanceof DatasetNotFoundError) || options.dir !== undefined) throw err;
    ds = await loadEmbedded();
    source = 'embedded subset (Fashion-MNIST files not found)';
  }
  const row = 28 * 28;
  const taken = new Array<number>(10).fill(0);
  const picks: { images: Uint8Array; index: number; label: number }[] = [];
  for (const set of [ds.train, ds.test]) {
    set.labels.forEach((label, index) => {
      if (taken[label]! < perClass) {
        taken[label]!++;
        picks.push({ images: set.images as Uint8Array, index, label });
      }
    });
  }
  const images = new Uint8Array(picks.length * row);
  picks.forEach((p, i) => images.set(p.images.subarray(p.index * row, (p.index + 1) * row), i * row));
  return {
    name: 'fashion-mnist',
    images: { images, shape: [picks.length, 28, 28], labels: Int32Array.from(picks, (p) => p.label) },
    testClasses: [...FASHION_MNIST_TEST_CLASSES],
    groups: null,
    info: { source, perClass, images: picks.length, classNames: ds.classNames },
  };
}
