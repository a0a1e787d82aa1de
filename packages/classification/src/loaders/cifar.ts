import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError, describe } from '@metricopt/core';
import { DatasetNotFoundError, type LabelledImages } from '@metricopt/data';
import { numberedClassNames, type ImageDataset } from './image-dataset.js';

/** One CIFAR image: 32×32 pixels, stored as three 1024-byte planes (R, G, B), each row-major. */
export const CIFAR_IMAGE_BYTES = 3072;
const SIDE = 32;

export interface CifarRecordLayout {
  /**
   * The label bytes before each image and the class count of each: `[10]` for CIFAR-10,
   * `[20, 100]` (coarse, fine) for CIFAR-100. A label at or above its count is a FormatError.
   */
  labelClasses: readonly number[];
  /** Which label byte is the class (default: the last). */
  labelIndex?: number;
}

/** CIFAR-10's layout: one label byte of 10 classes. */
export const CIFAR10_LAYOUT: CifarRecordLayout = Object.freeze({ labelClasses: [10] });

/** CIFAR-100's layout with the fine (default) or coarse label as the class. */
export function cifar100Layout(label: 'fine' | 'coarse' = 'fine'): CifarRecordLayout {
  return { labelClasses: [20, 100], labelIndex: label === 'fine' ? 1 : 0 };
}

/**
 * Parses one CIFAR binary batch file: records of label bytes followed by 3,072 image bytes (R,
 * G and B planes of 32×32). Images come out as uint8 [N, 32, 32, 3] (channels last). A file that
 * is empty, not a whole number of records, or holds an out-of-range label is a FormatError
 * naming `name` and what is wrong.
 *
 * ```ts
 * const batch = parseCifarBinary(await readFile('data_batch_1.bin'), 'data_batch_1.bin', CIFAR10_LAYOUT);
 * batch.shape;   // [10000, 32, 32, 3]
 * ```
 */
export function parseCifarBinary(bytes: Uint8Array, name: string, layout: CifarRecordLayout): LabelledImages {
  const fn = 'parseCifarBinary';
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(fn, 'bytes', 'a Uint8Array', describe(bytes));
  const limits = layout?.labelClasses;
  if (!Array.isArray(limits) || limits.length === 0 || !limits.every((c) => Number.isInteger(c) && c > 0 && c <= 256)) {
    throw new InvalidArgumentError(fn, 'layout.labelClasses', 'one class count (1–256) per label byte', describe(limits));
  }
  const labelBytes = limits.length;
  const labelIndex = layout.labelIndex ?? labelBytes - 1;
  if (!Number.isInteger(labelIndex) || labelIndex < 0 || labelIndex >= labelBytes) {
    throw new InvalidArgumentError(fn, 'layout.labelIndex', `an index below ${labelBytes}`, describe(labelIndex));
  }
  const record = labelBytes + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0) throw new FormatError(name, `is empty; a CIFAR batch holds ${record}-byte records`);
  if (bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new FormatError(name, `has ${bytes.length} bytes, not a whole number of ${record}-byte records ` +
      `(${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${CIFAR_IMAGE_BYTES} pixels): record ${whole} is truncated to ${bytes.length - whole * record} bytes`);
  }
  const n = bytes.length / record;
  const images = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  const plane = SIDE * SIDE;
  for (let i = 0; i < n; i++) {
    const start = i * record;
    // Every label byte is checked, not only the class: a shifted or foreign file shows up here.
    for (let b = 0; b < labelBytes; b++) {
      if (bytes[start + b]! >= limits[b]!) {
        throw new FormatError(name, `record ${i} has label ${bytes[start + b]}${labelBytes > 1 ? ` in label byte ${b}` : ''}, expected 0–${limits[b]! - 1}`);
      }
    }
    labels[i] = bytes[start + labelIndex]!;
    const src = start + labelBytes;
    const dst = i * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < plane; p++) {
      images[dst + p * 3] = bytes[src + p]!;
      images[dst + p * 3 + 1] = bytes[src + plane + p]!;
      images[dst + p * 3 + 2] = bytes[src + 2 * plane + p]!;
    }
  }
  return { images, shape: [n, SIDE, SIDE, 3], labels };
}

/** Reads and concatenates batch files into one set. */
async function readBatches(paths: string[], layout: CifarRecordLayout): Promise<LabelledImages> {
  const parts = await Promise.all(paths.map(async (p) => parseCifarBinary(await readFile(p), p, layout)));
  const n = parts.reduce((a, s) => a + s.shape[0]!, 0);
  const images = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  let offset = 0;
  for (const s of parts) {
    images.set(s.images as Uint8Array, offset * CIFAR_IMAGE_BYTES);
    labels.set(s.labels, offset);
    offset += s.shape[0]!;
  }
  return { images, shape: [n, SIDE, SIDE, 3], labels };
}

/** `dir` itself when it holds `marker`, else `dir/<subdir>` (the folder the archive unpacks to). */
async function locate(dir: string, marker: string, subdir: string, dataset: string, how: string): Promise<string> {
  for (const candidate of [dir, join(dir, subdir)]) {
    if (await exists(join(candidate, marker))) return candidate;
  }
  throw new DatasetNotFoundError(dataset, dir, `${dataset}: ${marker} was not found in ${dir} or ${join(dir, subdir)}. ${how}`);
}

async function missing(dir: string, names: string[], dataset: string, how: string): Promise<void> {
  const absent: string[] = [];
  for (const name of names) if (!(await exists(join(dir, name)))) absent.push(name);
  if (absent.length > 0) throw new DatasetNotFoundError(dataset, dir, `${dataset}: ${dir} lacks ${absent.join(', ')}. ${how}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Class names from a text file, one per line (blank lines dropped); null when the file is absent. */
async function classNamesFrom(path: string, count: number): Promise<string[] | null> {
  if (!(await exists(path))) return null;
  const names = (await readFile(path, 'utf8')).split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== count) throw new FormatError(path, `lists ${names.length} class names, expected ${count}`);
  return names;
}

const CIFAR10_HOW = 'Download the binary version (cifar-10-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it there.';
const CIFAR100_HOW = 'Download the binary version (cifar-100-binary.tar.gz) from https://www.cs.toronto.edu/~kriz/cifar.html and unpack it there.';

/**
 * Loads CIFAR-10 from its binary version: `data_batch_1.bin` … `data_batch_5.bin` (train,
 * 50,000) and `test_batch.bin` (10,000) in `dir` or in `dir/cifar-10-batches-bin`; class names
 * from `batches.meta.txt` when present. Images uint8 [N, 32, 32, 3].
 *
 * ```ts
 * const cifar = await loadCifar10('/data');   // reads /data/cifar-10-batches-bin/*.bin
 * cifar.train.shape;        // [50000, 32, 32, 3]
 * cifar.classNames[3];      // 'cat'
 * ```
 */
export async function loadCifar10(dir: string): Promise<ImageDataset> {
  const root = await locate(dir, 'test_batch.bin', 'cifar-10-batches-bin', 'CIFAR-10', CIFAR10_HOW);
  const trainNames = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  await missing(root, trainNames, 'CIFAR-10', CIFAR10_HOW);
  const layout = CIFAR10_LAYOUT;
  const trainFiles = trainNames.map((f) => join(root, f));
  const testFile = join(root, 'test_batch.bin');
  const [train, test] = await Promise.all([readBatches(trainFiles, layout), readBatches([testFile], layout)]);
  const classNames = (await classNamesFrom(join(root, 'batches.meta.txt'), 10)) ?? numberedClassNames(10);
  return { name: 'cifar-10', train, test, numClasses: 10, classNames, files: [...trainFiles, testFile] };
}

/**
 * Loads CIFAR-100 from its binary version: `train.bin` (50,000) and `test.bin` (10,000), records
 * of a coarse label byte, a fine label byte and the image, in `dir` or `dir/cifar-100-binary`.
 * `label: 'fine'` (default, 100 classes) or `'coarse'` (20 superclasses); names from
 * `fine_label_names.txt` / `coarse_label_names.txt` when present.
 *
 * ```ts
 * const fine = await loadCifar100('/data');                       // 100 classes
 * const coarse = await loadCifar100('/data', { label: 'coarse' });   // 20 classes
 * ```
 */
export async function loadCifar100(dir: string, options: { label?: 'fine' | 'coarse' } = {}): Promise<ImageDataset> {
  const label = options.label ?? 'fine';
  if (label !== 'fine' && label !== 'coarse') throw new InvalidArgumentError('loadCifar100', 'options.label', "'fine' or 'coarse'", describe(label));
  const root = await locate(dir, 'test.bin', 'cifar-100-binary', 'CIFAR-100', CIFAR100_HOW);
  await missing(root, ['train.bin'], 'CIFAR-100', CIFAR100_HOW);
  const numClasses = label === 'fine' ? 100 : 20;
  const layout = cifar100Layout(label);
  const files = [join(root, 'train.bin'), join(root, 'test.bin')];
  const [train, test] = await Promise.all(files.map((f) => readBatches([f], layout)));
  const classNames = (await classNamesFrom(join(root, `${label}_label_names.txt`), numClasses)) ?? numberedClassNames(numClasses);
  return { name: label === 'fine' ? 'cifar-100' : 'cifar-100-coarse', train: train!, test: test!, numClasses, classNames, files };
}
