import { FormatError } from '@metricopt/core';
import { DatasetNotFoundError, loadIdxDataset } from '@metricopt/data';
import { numberedClassNames, type ImageDataset } from './image-dataset.js';

/** The environment variable naming MNIST's directory. */
export const MNIST_ENV_VAR = 'MNIST_DIR';

/**
 * Loads MNIST (uint8 [N, 28, 28], digits 0–9) from the four IDX files in `options.dir`, else
 * `$MNIST_DIR`: `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`. When they are absent it
 * throws a DatasetNotFoundError that says how to get them.
 *
 * ```ts
 * const mnist = await loadMnist({ dir: '/data/mnist' });
 * mnist.train.shape;   // [60000, 28, 28]
 * ```
 */
export async function loadMnist(options: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ImageDataset> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? env[MNIST_ENV_VAR];
  const how = 'Download {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (e.g. from https://yann.lecun.com/exdb/mnist/ or a mirror) ' +
    `into a directory and pass it with --data-dir or set ${MNIST_ENV_VAR}.`;
  if (dir === undefined || dir === '') throw new DatasetNotFoundError('MNIST', '', `MNIST: no directory given and ${MNIST_ENV_VAR} is not set. ${how}`);
  let ds;
  try {
    ds = await loadIdxDataset(dir, { dataset: 'MNIST' });
  } catch (err) {
    if (err instanceof DatasetNotFoundError) throw new DatasetNotFoundError('MNIST', dir, `${err.message}. ${how}`);
    throw err;
  }
  for (const [set, file] of [[ds.train, ds.files.trainImages], [ds.test, ds.files.testImages]] as const) {
    if (!(set.images instanceof Uint8Array) || set.shape.length !== 3 || set.shape[1] !== 28 || set.shape[2] !== 28) {
      throw new FormatError(file, `MNIST images are uint8 [N, 28, 28], got shape [${set.shape.join(', ')}] of ${set.images.constructor.name}`);
    }
  }
  if (ds.numClasses > 10) throw new FormatError(ds.files.trainLabels, `MNIST labels are 0–9, found ${ds.numClasses - 1}`);
  const f = ds.files;
  return { name: 'mnist', train: ds.train, test: ds.test, numClasses: 10, classNames: numberedClassNames(10), files: [f.trainImages, f.trainLabels, f.testImages, f.testLabels] };
}
