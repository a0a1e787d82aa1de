import { FormatError } from '@metricopt/core';
import { DatasetNotFoundError } from './dataset-not-found-error.js';
import { loadIdxDataset, type IdxDataset } from './idx-dataset.js';

/** Fashion-MNIST's ten classes, by label. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** The environment variable naming a directory that holds the four Fashion-MNIST files. */
export const FASHION_MNIST_ENV_VAR = 'FASHION_MNIST_DIR';

/** Where Debian's `dataset-fashion-mnist` package installs it. */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/** An IDX dataset with its class names. */
export interface ClassificationDataset extends IdxDataset {
  classNames: readonly string[];
}

/** The directory Fashion-MNIST is read from: `$FASHION_MNIST_DIR` if set, else the Debian location. */
export function fashionMnistDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[FASHION_MNIST_ENV_VAR];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : FASHION_MNIST_DEBIAN_DIR;
}

/**
 * Loads Fashion-MNIST (train 60,000 and test 10,000 uint8 images [N, 28, 28], labels 0–9) from
 * `options.dir`, else `$FASHION_MNIST_DIR`, else /usr/share/datasets/fashion-mnist. Files are
 * `{train,t10k}-{images-idx3,labels-idx1}-ubyte`, gzipped or not. When they are absent it throws
 * a DatasetNotFoundError that says how to get them.
 *
 * ```ts
 * const fm = await loadFashionMnist();
 * fm.train.shape;               // [60000, 28, 28]
 * fm.classNames[fm.train.labels[0]];   // 'Ankle boot'
 * ```
 */
export async function loadFashionMnist(options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ClassificationDataset> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? fashionMnistDir(env);
  const source = options.dir !== undefined ? 'the directory passed in' : env[FASHION_MNIST_ENV_VAR] ? `$${FASHION_MNIST_ENV_VAR}` : 'the default Debian location';
  let ds: IdxDataset;
  try {
    ds = await loadIdxDataset(dir, { dataset: 'Fashion-MNIST' });
  } catch (err) {
    if (!(err instanceof DatasetNotFoundError)) throw err;
    throw new DatasetNotFoundError('Fashion-MNIST', dir,
      `Fashion-MNIST was not found in ${dir} (${source}): ${err.message.replace(/^Fashion-MNIST: /, '')}. ` +
      'Install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu: files in /usr/share/datasets/fashion-mnist), ' +
      `or download {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from https://github.com/zalandoresearch/fashion-mnist and set ${FASHION_MNIST_ENV_VAR} to their directory. ` +
      'For an offline quick run, loadEmbedded() has a small subset.');
  }
  for (const [set, file] of [[ds.train, ds.files.trainImages], [ds.test, ds.files.testImages]] as const) {
    if (!(set.images instanceof Uint8Array) || set.shape.length !== 3 || set.shape[1] !== 28 || set.shape[2] !== 28) {
      throw new FormatError(file, `Fashion-MNIST images are uint8 [N, 28, 28], got shape [${set.shape.join(', ')}] of ${set.images.constructor.name}`);
    }
  }
  if (ds.numClasses > FASHION_MNIST_CLASS_NAMES.length) {
    throw new FormatError(ds.files.trainLabels, `Fashion-MNIST labels are 0–9, found ${ds.numClasses - 1}`);
  }
  return { ...ds, numClasses: FASHION_MNIST_CLASS_NAMES.length, classNames: FASHION_MNIST_CLASS_NAMES };
}
