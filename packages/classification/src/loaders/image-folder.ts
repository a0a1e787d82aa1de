import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { FormatError, InvalidArgumentError, describe, resolveInside } from '@metricopt/core';
import { loadImages, type DecodeImageOptions, type LabelledImages, type SkippedImage } from '@metricopt/data';
import type { ImageDataset } from './image-dataset.js';

/** The file extensions an image folder is scanned for (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff']);

export interface ImageFolderOptions extends Pick<DecodeImageOptions, 'channels' | 'resize'> {
  /** 'throw' (default): a corrupt image is a FormatError naming it; 'skip': it is left out and listed in `skipped`. */
  onError?: 'throw' | 'skip';
  /** Class names in this order instead of the folder's sorted subfolders (a test folder follows its train folder). */
  classNames?: readonly string[];
  /** Images decoded at once (default 4). */
  concurrency?: number;
}

/** One image folder, decoded: float32 pixels in [0, 1], [N, H, W, C]. */
export interface ImageFolder {
  set: LabelledImages;
  classNames: string[];
  /** The files loaded, row for row. */
  paths: string[];
  /** The files left out with `onError: 'skip'` (their count is `skipped.length`). */
  skipped: SkippedImage[];
}

/**
 * Loads a folder with one subfolder per class (`dir/<class>/<image>`), classes in sorted name
 * order (label 0 is the first name), files in sorted order within a class, decoded with sharp.
 * Without `resize` every image must have the same size. A folder without class subfolders, a
 * class subfolder without images, or a corrupt image is a FormatError naming it (with
 * `onError: 'skip'` bad images are left out and counted instead). Symbolic links are followed
 * while their target stays inside `dir`; one pointing outside it is a FormatError.
 *
 * ```ts
 * const { set, classNames, skipped } = await loadImageFolder('photos/train', { channels: 3, resize: { width: 32, height: 32 }, onError: 'skip' });
 * set.shape;          // [1200, 32, 32, 3]
 * classNames;         // ['cat', 'dog']
 * skipped.length;     // 2
 * ```
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolder> {
  const fn = 'loadImageFolder';
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError(fn, 'dir', 'a directory path', describe(dir));
  const onError = options.onError ?? 'throw';
  if (onError !== 'throw' && onError !== 'skip') throw new InvalidArgumentError(fn, 'options.onError', "'throw' or 'skip'", describe(onError));
  const entries = await readEntries(dir, dir);
  const found = entries.filter((e) => e.isDirectory).map((e) => e.name).sort();
  if (found.length === 0) throw new FormatError(dir, 'has no class subfolders; expected one subfolder of images per class (dir/<class>/<image>)');
  let classNames = found;
  if (options.classNames !== undefined) {
    classNames = [...options.classNames];
    const unknown = found.filter((name) => !classNames.includes(name));
    if (unknown.length > 0) throw new FormatError(dir, `has class folders [${unknown.join(', ')}] that are not among the classes [${classNames.join(', ')}]`);
  }
  const paths: string[] = [];
  const labels: number[] = [];
  for (const name of found) {
    const classDir = join(dir, name);
    const files = (await readEntries(classDir, dir))
      .filter((e) => e.isFile && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
    if (files.length === 0) throw new FormatError(classDir, `has no image files (${IMAGE_EXTENSIONS.join(', ')})`);
    for (const file of files) {
      paths.push(join(classDir, file));
      labels.push(classNames.indexOf(name));
    }
  }
  const loaded = await loadImages(paths, {
    channels: options.channels ?? 3,
    onError,
    ...(options.resize ? { resize: options.resize } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  try {
    const images = (await loaded.images.data()) as Float32Array;
    return {
      set: { images, shape: loaded.images.shape.slice(), labels: Int32Array.from(loaded.indices, (i) => labels[i]!) },
      classNames,
      paths: loaded.paths,
      skipped: loaded.skipped,
    };
  } finally {
    loaded.images.dispose();
  }
}

/**
 * An image-folder dataset: `dir/train/<class>/…` and `dir/test/<class>/…`; the test folder uses the
 * train folder's classes (it may lack some, not add any).
 *
 * ```ts
 * const ds = await loadImageFolderDataset('photos', { resize: { width: 32, height: 32 } });
 * ds.numClasses;   // 2
 * ```
 */
export async function loadImageFolderDataset(dir: string, options: Omit<ImageFolderOptions, 'classNames'> = {}): Promise<ImageDataset & { skipped: SkippedImage[] }> {
  const train = await loadImageFolder(join(dir, 'train'), options);
  const test = await loadImageFolder(join(dir, 'test'), { ...options, classNames: train.classNames });
  if (train.set.shape.slice(1).join() !== test.set.shape.slice(1).join()) {
    throw new FormatError(join(dir, 'test'), `images are [${test.set.shape.slice(1).join(', ')}] but the train images are [${train.set.shape.slice(1).join(', ')}]; pass resize`);
  }
  return {
    name: basename(dir),
    train: train.set,
    test: test.set,
    numClasses: train.classNames.length,
    classNames: train.classNames,
    files: [...train.paths, ...test.paths],
    skipped: [...train.skipped, ...test.skipped],
  };
}

/**
 * A folder's entries as directories or files. A symbolic link is followed only when its target
 * stays inside `root` (the folder the caller named); one that points outside is a FormatError.
 */
async function readEntries(dir: string, root: string): Promise<{ name: string; isDirectory: boolean; isFile: boolean }[]> {
  const entries = await readDir(dir);
  return Promise.all(entries.map(async (e) => {
    if (!e.isSymbolicLink()) return { name: e.name, isDirectory: e.isDirectory(), isFile: e.isFile() };
    const link = join(dir, e.name);
    const target = resolveInside(root, relative(root, link), `${link} (a symbolic link in ${root})`);
    const info = await stat(target).catch((err: NodeJS.ErrnoException) => {
      throw new FormatError(link, `is a symbolic link that cannot be followed (${err.code ?? String(err)})`, { cause: err });
    });
    return { name: e.name, isDirectory: info.isDirectory(), isFile: info.isFile() };
  }));
}

async function readDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FormatError(dir, code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? String(err)})`, { cause: err });
  }
}
