import { join } from 'node:path';
import { FormatError } from '@metricopt/core';
import { insideRoot, isFile, readLines, secondHalf, type ImageList } from './image-list.js';

const HINT = 'Expected the CUB-200-2011 layout: images.txt ("<image id> <path>"), image_class_labels.txt ("<image id> <class id>") and the images under images/ (download CUB_200_2011.tgz from https://www.vision.caltech.edu/datasets/cub_200_2011/ and pass its CUB_200_2011 directory).';

/**
 * The CUB-200-2011 image list from its own files: `images.txt` ("<image id> <path>", paths
 * relative to `images/`), `image_class_labels.txt` ("<image id> <class id>"), and `classes.txt`
 * ("<class id> <name>") when present. The retrieval convention: classes 1–100 train, 101–200 test
 * (in general: the first half of the class ids train). `dir` may be the CUB_200_2011 directory or
 * the one holding it. A missing list file is a DatasetNotFoundError; a malformed line, a repeated
 * or unknown image id, an image without a class or a path outside the dataset is a FormatError
 * naming the file and line. Image files are only opened when decoded.
 *
 * ```ts
 * const cub = await loadCubList('/data/CUB_200_2011');
 * cub.paths.length;      // 11788
 * cub.testClasses;       // [101, …, 200]
 * ```
 */
export async function loadCubList(dir: string): Promise<ImageList> {
  const root = (await isFile(join(dir, 'images.txt'))) || !(await isFile(join(dir, 'CUB_200_2011', 'images.txt'))) ? dir : join(dir, 'CUB_200_2011');
  const imagesFile = join(root, 'images.txt');
  const labelsFile = join(root, 'image_class_labels.txt');
  const images = new Map<number, { path: string; line: number }>();
  for (const { line, text } of await readLines(imagesFile, 'CUB-200-2011', HINT)) {
    const m = /^(\d+)\s+(.+)$/.exec(text);
    if (m === null) throw new FormatError(imagesFile, `line ${line}: expected "<image id> <path>", got ${JSON.stringify(text)}`);
    const id = Number(m[1]);
    if (images.has(id)) throw new FormatError(imagesFile, `line ${line}: image id ${id} repeats line ${images.get(id)!.line}`);
    images.set(id, { path: insideRoot(join(root, 'images'), m[2]!, imagesFile, line), line });
  }
  const labelOf = new Map<number, number>();
  for (const { line, text } of await readLines(labelsFile, 'CUB-200-2011', HINT)) {
    const m = /^(\d+)\s+(\d+)$/.exec(text);
    if (m === null) throw new FormatError(labelsFile, `line ${line}: expected "<image id> <class id>", got ${JSON.stringify(text)}`);
    const id = Number(m[1]);
    if (!images.has(id)) throw new FormatError(labelsFile, `line ${line}: image id ${id} is not in images.txt`);
    if (labelOf.has(id)) throw new FormatError(labelsFile, `line ${line}: image id ${id} has a class already`);
    labelOf.set(id, Number(m[2]));
  }
  const ids = [...images.keys()].sort((a, b) => a - b);
  const missing = ids.find((id) => !labelOf.has(id));
  if (missing !== undefined) throw new FormatError(labelsFile, `image id ${missing} (images.txt line ${images.get(missing)!.line}) has no class`);
  if (ids.length === 0) throw new FormatError(imagesFile, 'lists no images');
  const labels = Int32Array.from(ids, (id) => labelOf.get(id)!);
  const classNames = new Map<number, string>();
  const classesFile = join(root, 'classes.txt');
  if (await isFile(classesFile)) {
    for (const { line, text } of await readLines(classesFile, 'CUB-200-2011', HINT)) {
      const m = /^(\d+)\s+(.+)$/.exec(text);
      if (m === null) throw new FormatError(classesFile, `line ${line}: expected "<class id> <name>", got ${JSON.stringify(text)}`);
      classNames.set(Number(m[1]), m[2]!);
    }
  }
  return {
    name: 'cub',
    root,
    paths: ids.map((id) => images.get(id)!.path),
    labels,
    testClasses: secondHalf(labels),
    ...(classNames.size > 0 ? { classNames } : {}),
  };
}
