import { InvalidArgumentError, describe } from '@metricopt/core';
import { DatasetNotFoundError, loadEmbedded, loadFashionMnist, loadIdxDataset } from '@metricopt/data';
import { basename } from 'node:path';
import { loadCifar10, loadCifar100 } from './cifar.js';
import { numberedClassNames, type ImageDataset } from './image-dataset.js';
import { loadImageFolderDataset } from './image-folder.js';
import { loadMnist } from './mnist.js';

/** The dataset names loadClassificationDataset knows (the bench's `--dataset`). */
export const CLASSIFICATION_DATASETS = ['fashion-mnist', 'mnist', 'embedded', 'idx', 'cifar-10', 'cifar-100', 'image-folder'] as const;
export type ClassificationDatasetName = (typeof CLASSIFICATION_DATASETS)[number];

/**
 * Loads a dataset by name: `fashion-mnist` (`dir`, else $FASHION_MNIST_DIR, else the Debian
 * location), `mnist` (`dir` or $MNIST_DIR), `embedded` (the offline Fashion-MNIST subset of
 * @metricopt/data), `idx` (any directory of train/t10k IDX files, any image size and class
 * count), `cifar-10` / `cifar-100` (binary batches), `image-folder` (`dir/train/<class>/…`,
 * `dir/test/<class>/…`).
 *
 * ```ts
 * const ds = await loadClassificationDataset('idx', { dir: '/data/kmnist' });
 * ds.train.shape;   // [60000, 28, 28]
 * ```
 */
export async function loadClassificationDataset(name: string, options: { dir?: string } = {}): Promise<ImageDataset> {
  const dir = options.dir;
  const needDir = (dataset: string): string => {
    if (dir === undefined || dir === '') {
      throw new DatasetNotFoundError(dataset, '', `${dataset}: pass the directory that holds it (--data-dir DIR)`);
    }
    return dir;
  };
  switch (name as ClassificationDatasetName) {
    case 'fashion-mnist': {
      const ds = await loadFashionMnist(dir === undefined ? {} : { dir });
      const f = ds.files;
      return { name, train: ds.train, test: ds.test, numClasses: ds.numClasses, classNames: ds.classNames, files: [f.trainImages, f.trainLabels, f.testImages, f.testLabels] };
    }
    case 'embedded': {
      const ds = await loadEmbedded();
      const f = ds.files;
      return { name, train: ds.train, test: ds.test, numClasses: ds.numClasses, classNames: ds.classNames, files: [f.trainImages, f.trainLabels, f.testImages, f.testLabels] };
    }
    case 'mnist':
      return loadMnist(dir === undefined ? {} : { dir });
    case 'idx': {
      const ds = await loadIdxDataset(needDir('IDX dataset'));
      const f = ds.files;
      return { name: basename(dir!), train: ds.train, test: ds.test, numClasses: ds.numClasses, classNames: numberedClassNames(ds.numClasses), files: [f.trainImages, f.trainLabels, f.testImages, f.testLabels] };
    }
    case 'cifar-10':
      return loadCifar10(needDir('CIFAR-10'));
    case 'cifar-100':
      return loadCifar100(needDir('CIFAR-100'));
    case 'image-folder':
      return loadImageFolderDataset(needDir('image folder'));
    default:
      throw new InvalidArgumentError('loadClassificationDataset', 'name', `one of ${CLASSIFICATION_DATASETS.join(', ')}`, describe(name));
  }
}
