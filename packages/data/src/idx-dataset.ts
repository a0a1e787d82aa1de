import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError } from '@metricopt/core';
import { DatasetNotFoundError } from './dataset-not-found-error.js';
import { readIdx, type IdxArray } from './idx.js';
import type { LabelledImages } from './labelled-images.js';

/** A train/test image classification dataset read from IDX files. */
export interface IdxDataset {
  train: LabelledImages;
  test: LabelledImages;
  /** The largest label + 1. */
  numClasses: number;
  /** The four files read. */
  files: IdxDatasetFiles;
}

export interface IdxDatasetFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/**
 * The naming rule: `<split>-<kind>[-idx<D>-ubyte][.gz]`, where split is `train` or `t10k`
 * (or `test`) and kind is `images` or `labels`; gzip is detected from the bytes, not the name.
 * So `train-images-idx3-ubyte.gz`, `train-images-idx3-ubyte`, `t10k-labels.gz` and
 * `test-labels` all match. Other files in the directory are ignored.
 */
export const IDX_FILE_PATTERN = /^(train|t10k|test)-(images|labels)(-idx\d-ubyte)?(\.gz)?$/;

const ROLES = [
  ['trainImages', 'train', 'images'],
  ['trainLabels', 'train', 'labels'],
  ['testImages', 'test', 'images'],
  ['testLabels', 'test', 'labels'],
] as const;

/** Finds the four IDX files of a dataset directory by the naming rule of IDX_FILE_PATTERN; missing or ambiguous files are a DatasetNotFoundError. */
export async function findIdxFiles(dir: string, dataset = 'IDX dataset'): Promise<IdxDatasetFiles> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new DatasetNotFoundError(dataset, dir, `${dataset}: directory ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const found: Partial<IdxDatasetFiles> = {};
  const problems: string[] = [];
  for (const [role, split, kind] of ROLES) {
    const matches = names.filter((name) => {
      const m = IDX_FILE_PATTERN.exec(name);
      return m !== null && (m[1] === split || (split === 'test' && m[1] === 't10k')) && m[2] === kind;
    }).sort();
    const want = `${split === 'test' ? 't10k' : split}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte[.gz]`;
    if (matches.length === 0) problems.push(`no ${want}`);
    else if (matches.length > 1) problems.push(`more than one ${split} ${kind} file (${matches.join(', ')})`);
    else found[role] = join(dir, matches[0]!);
  }
  if (problems.length > 0) {
    throw new DatasetNotFoundError(dataset, dir, `${dataset}: ${dir} has ${problems.join('; ')}. Files are named <train|t10k|test>-<images|labels>[-idx<D>-ubyte][.gz]`);
  }
  return found as IdxDatasetFiles;
}

/**
 * Reads a directory of IDX files (`train-images`, `train-labels`, `t10k-images`, `t10k-labels`,
 * by the naming rule of IDX_FILE_PATTERN), whatever the image size and class count. Images must
 * be [N, H, W] or [N, H, W, C] with one integer label each; train and test must share H, W, C.
 *
 * ```ts
 * const ds = await loadIdxDataset('/data/kmnist');
 * ds.train.shape;   // [60000, 28, 28]
 * ds.numClasses;    // 10
 * ```
 */
export async function loadIdxDataset(dir: string, options: { dataset?: string } = {}): Promise<IdxDataset> {
  const dataset = options.dataset ?? 'IDX dataset';
  const files = await findIdxFiles(dir, dataset);
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [files.trainImages, files.trainLabels, files.testImages, files.testLabels].map((f) => readIdx(f)),
  );
  const train = labelledImages(trainImages!, trainLabels!, files.trainImages, files.trainLabels);
  const test = labelledImages(testImages!, testLabels!, files.testImages, files.testLabels);
  if (train.shape.slice(1).join() !== test.shape.slice(1).join()) {
    throw new FormatError(files.testImages, `images are [${test.shape.slice(1).join(', ')}] but the train images (${files.trainImages}) are [${train.shape.slice(1).join(', ')}]`);
  }
  let numClasses = 0;
  for (const set of [train, test]) for (const y of set.labels) numClasses = Math.max(numClasses, y + 1);
  return { train, test, numClasses, files };
}

function labelledImages(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): LabelledImages {
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new FormatError(imagesFile, `images must be [N, H, W] or [N, H, W, C], got shape [${images.shape.join(', ')}]`);
  }
  if (labels.shape.length !== 1 || labels.dtype === 'float32' || labels.dtype === 'float64') {
    throw new FormatError(labelsFile, `labels must be one integer per image, got ${labels.dtype} of shape [${labels.shape.join(', ')}]`);
  }
  if (labels.shape[0] !== images.shape[0]) {
    throw new FormatError(labelsFile, `has ${labels.shape[0]} labels but ${imagesFile} has ${images.shape[0]} images`);
  }
  const ys = Int32Array.from(labels.data);
  const negative = ys.findIndex((y) => y < 0);
  if (negative >= 0) throw new FormatError(labelsFile, `label ${ys[negative]} at index ${negative} is negative`);
  return { images: images.data, shape: images.shape, labels: ys };
}
