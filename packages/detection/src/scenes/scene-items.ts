import { loadEmbedded, loadFashionMnist, type ClassificationDataset } from '@metricopt/data';
import type { SceneItems } from './generate-scenes.js';

/** Where scene items come from: the embedded Fashion-MNIST subset (6,000 train + 2,000 test, no download) or the full dataset. */
export type SceneItemSource = 'embedded' | 'fashion-mnist';

/**
 * Fashion-MNIST items to paste, train and test apart (so test scenes show unseen items):
 * `embedded` reads the subset shipped with @metricopt/data, `fashion-mnist` the full dataset
 * (`loadFashionMnist`: $FASHION_MNIST_DIR or Debian's dataset-fashion-mnist).
 *
 * ```ts
 * const { train, test } = await sceneItems('embedded');
 * train.shape;   // [6000, 28, 28]
 * ```
 */
export async function sceneItems(source: SceneItemSource = 'embedded'): Promise<{ train: SceneItems; test: SceneItems }> {
  const ds: ClassificationDataset = source === 'fashion-mnist' ? await loadFashionMnist() : await loadEmbedded();
  const items = (set: ClassificationDataset['train']): SceneItems => ({
    images: set.images as Uint8Array, shape: set.shape, labels: set.labels, classNames: ds.classNames,
  });
  return { train: items(ds.train), test: items(ds.test) };
}
