import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { FormatError, resolveInside } from '@metricopt/core';
import { DatasetNotFoundError } from '@metricopt/data';

/** A dataset as files: every image's path (inside `root`) and class, and which classes are the unseen ones. */
export interface ImageList {
  name: string;
  root: string;
  /** Absolute paths, each inside `root`. */
  paths: string[];
  /** The dataset's own class ids, one per path. */
  labels: Int32Array;
  /** The conventional test classes (ascending). */
  testClasses: number[];
  /** Class names by id, where the dataset has them. */
  classNames?: Map<number, string>;
}

/**
 * `relativePath` resolved against `root`; a path that is absolute, leaves the root (`../x`,
 * `a/../../x`) or leads through a symbolic link to a target outside it is a FormatError naming
 * the list file and line: a dataset list may only name files inside its dataset.
 */
export function insideRoot(root: string, relativePath: string, file: string, line: number): string {
  const rel = relativePath.replace(/\\/g, '/');
  const full = resolve(root, normalize(rel));
  const back = relative(resolve(root), full);
  if (rel === '' || isAbsolute(rel) || back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back)) {
    throw new FormatError(file, `line ${line}: path ${JSON.stringify(relativePath)} is not inside the dataset root ${root}`);
  }
  // As written it stays inside; on disk a symbolic link may still lead out.
  resolveInside(root, relative(resolve(root), full), `${file}: line ${line}`);
  return full;
}

/** A text file's non-empty lines with their 1-based numbers; a missing file is a DatasetNotFoundError naming the dataset. */
export async function readLines(path: string, dataset: string, hint: string): Promise<{ line: number; text: string }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DatasetNotFoundError(dataset, path, `${dataset}: ${path} not found. ${hint}`);
    throw new FormatError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '');
}

/** Whether a directory exists. */
export async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Whether a file exists. */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** The first half of the sorted class ids train, the second half test (CUB 1–100 / 101–200, Cars196 1–98 / 99–196). */
export function secondHalf(labels: Int32Array): number[] {
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  return classes.slice(Math.floor(classes.length / 2));
}

export { join };
