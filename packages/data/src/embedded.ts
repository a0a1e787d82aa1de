import { fileURLToPath } from 'node:url';
import { FASHION_MNIST_CLASS_NAMES, type ClassificationDataset } from './fashion-mnist.js';
import { loadIdxDataset } from './idx-dataset.js';

/** The directory of the embedded dataset; one level up from this module both in src/ and in dist/. */
export const EMBEDDED_DIR = fileURLToPath(new URL('../assets/fashion-mnist-mini/', import.meta.url));

/**
 * Loads the embedded default dataset, shipped with the package: 6,000 train images (600 per
 * class, from Fashion-MNIST's training set) and 2,000 test images (200 per class, from its test
 * set), uint8 [N, 28, 28], in random order. For demos and quick runs; needs no download.
 *
 * ```ts
 * const mini = await loadEmbedded();
 * mini.train.shape;   // [6000, 28, 28]
 * mini.test.shape;    // [2000, 28, 28]
 * ```
 */
export async function loadEmbedded(): Promise<ClassificationDataset> {
  const ds = await loadIdxDataset(EMBEDDED_DIR, { dataset: 'the embedded Fashion-MNIST subset' });
  return { ...ds, numClasses: FASHION_MNIST_CLASS_NAMES.length, classNames: FASHION_MNIST_CLASS_NAMES };
}
