import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError } from '@metricopt/core';
import { DatasetNotFoundError } from '@metricopt/data';
import { insideRoot, isDir, isFile, readLines, secondHalf, type ImageList } from './image-list.js';

const HINT =
  'Cars196 ships its labels as cars_annos.mat (MATLAB), which is not read here: give either cars_annos.csv ' +
  '(a header with relative_im_path and class columns, one image per line; e.g. converted with scipy.io.loadmat) beside car_ims/, ' +
  'or one folder per class (optionally under train/ and test/, as in the common "by classes folder" copy).';
const IMAGE = /\.(jpe?g|png)$/i;

/**
 * The Cars196 image list, from one of the two converted layouts in common use (the original
 * `cars_annos.mat` is MATLAB, which this package does not parse):
 * - `cars_annos.csv`: comma-separated, a header naming at least `relative_im_path` and `class`
 *   (other columns, such as the bounding box and `test`, are ignored), paths relative to `dir`;
 * - folders per class: `dir/<class name>/*.jpg`, or `dir/train/<class name>/` and
 *   `dir/test/<class name>/` merged; class ids are the folder names in sorted order, from 1.
 * The retrieval convention: classes 1–98 train, 99–196 test (the first half of the class ids
 * train). A malformed line or a path outside the dataset is a FormatError naming the file and line.
 *
 * ```ts
 * const cars = await loadCarsList('/data/cars196');
 * cars.paths.length;   // 16185
 * cars.testClasses;    // [99, …, 196]
 * ```
 */
export async function loadCarsList(dir: string): Promise<ImageList> {
  const csv = join(dir, 'cars_annos.csv');
  if (await isFile(csv)) return fromCsv(dir, csv);
  return fromFolders(dir);
}

async function fromCsv(dir: string, file: string): Promise<ImageList> {
  const lines = await readLines(file, 'Cars196', HINT);
  const header = splitCsv(lines[0]?.text ?? '');
  const pathAt = header.indexOf('relative_im_path');
  const classAt = header.indexOf('class');
  if (pathAt < 0 || classAt < 0) {
    throw new FormatError(file, `line 1: expected a header with relative_im_path and class columns, got ${JSON.stringify(lines[0]?.text ?? '')}`);
  }
  const paths: string[] = [];
  const labels: number[] = [];
  for (const { line, text } of lines.slice(1)) {
    const cells = splitCsv(text);
    const label = Number(cells[classAt]);
    if (cells.length !== header.length || !Number.isInteger(label) || label < 0 || (cells[pathAt] ?? '') === '') {
      throw new FormatError(file, `line ${line}: expected ${header.length} comma-separated values with a path and an integer class, got ${JSON.stringify(text)}`);
    }
    paths.push(insideRoot(dir, cells[pathAt]!, file, line));
    labels.push(label);
  }
  if (paths.length === 0) throw new FormatError(file, 'lists no images');
  const l = Int32Array.from(labels);
  return { name: 'cars', root: dir, paths, labels: l, testClasses: secondHalf(l) };
}

async function fromFolders(dir: string): Promise<ImageList> {
  const subdirs = async (d: string) => (await isDir(d) ? (await readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name) : []);
  const top = await subdirs(dir);
  const parts = top.includes('train') || top.includes('test') ? ['train', 'test'].filter((p) => top.includes(p)).map((p) => join(dir, p)) : [dir];
  const classDirs = new Map<string, string[]>();
  for (const part of parts) {
    for (const name of await subdirs(part)) classDirs.set(name, [...(classDirs.get(name) ?? []), join(part, name)]);
  }
  const names = [...classDirs.keys()].sort();
  if (names.length === 0) throw new DatasetNotFoundError('Cars196', dir, `Cars196: no cars_annos.csv and no class folders in ${dir}. ${HINT}`);
  const paths: string[] = [];
  const labels: number[] = [];
  const classNames = new Map<number, string>();
  for (const [i, name] of names.entries()) {
    classNames.set(i + 1, name);
    for (const folder of classDirs.get(name)!) {
      const files = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile() && IMAGE.test(e.name)).map((e) => e.name).sort();
      for (const f of files) {
        paths.push(join(folder, f));
        labels.push(i + 1);
      }
    }
  }
  if (paths.length === 0) throw new FormatError(dir, 'class folders hold no .jpg/.jpeg/.png images');
  const l = Int32Array.from(labels);
  return { name: 'cars', root: dir, paths, labels: l, testClasses: secondHalf(l), classNames };
}

/** One CSV line's fields (double quotes may wrap a field; "" inside is a quote). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}
