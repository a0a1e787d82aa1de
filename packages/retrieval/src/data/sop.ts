import { join } from 'node:path';
import { FormatError } from '@metricopt/core';
import { insideRoot, readLines, type ImageList } from './image-list.js';

const HINT = 'Expected the Stanford Online Products layout: Ebay_train.txt and Ebay_test.txt ("image_id class_id super_class_id path" header, one image per line) beside the category folders (download Stanford_Online_Products.zip from https://cvgl.stanford.edu/projects/lifted_struct/).';
const HEADER = ['image_id', 'class_id', 'super_class_id', 'path'];

/**
 * The Stanford Online Products image list from `Ebay_train.txt` and `Ebay_test.txt` (header
 * `image_id class_id super_class_id path`, then one image per line, paths relative to the
 * dataset directory). The test classes are those of Ebay_test.txt (11,319–22,634 in the real
 * files); a class in both files, a repeated image id, a bad header or line, or a path outside
 * the dataset is a FormatError naming the file and line.
 *
 * ```ts
 * const sop = await loadSopList('/data/Stanford_Online_Products');
 * sop.paths.length;   // 120053
 * ```
 */
export async function loadSopList(dir: string): Promise<ImageList> {
  const paths: string[] = [];
  const labels: number[] = [];
  const seen = new Map<number, string>();
  const classesOf: Set<number>[] = [];
  for (const name of ['Ebay_train.txt', 'Ebay_test.txt']) {
    const file = join(dir, name);
    const lines = await readLines(file, 'Stanford Online Products', HINT);
    const header = lines[0]?.text.split(/\s+/) ?? [];
    if (header.join(' ') !== HEADER.join(' ')) {
      throw new FormatError(file, `line ${lines[0]?.line ?? 1}: expected the header "${HEADER.join(' ')}", got ${JSON.stringify(lines[0]?.text ?? '')}`);
    }
    const classes = new Set<number>();
    for (const { line, text } of lines.slice(1)) {
      const m = /^(\d+)\s+(\d+)\s+(\d+)\s+(\S.*)$/.exec(text);
      if (m === null) throw new FormatError(file, `line ${line}: expected "image_id class_id super_class_id path", got ${JSON.stringify(text)}`);
      const id = Number(m[1]);
      if (seen.has(id)) throw new FormatError(file, `line ${line}: image id ${id} repeats (${seen.get(id)})`);
      seen.set(id, `${name} line ${line}`);
      paths.push(insideRoot(dir, m[4]!, file, line));
      labels.push(Number(m[2]));
      classes.add(Number(m[2]));
    }
    if (classes.size === 0) throw new FormatError(file, 'lists no images');
    classesOf.push(classes);
  }
  const [train, test] = classesOf as [Set<number>, Set<number>];
  const shared = [...test].find((c) => train.has(c));
  if (shared !== undefined) throw new FormatError(join(dir, 'Ebay_test.txt'), `class ${shared} is also in Ebay_train.txt (the splits must be class-disjoint)`);
  return { name: 'sop', root: dir, paths, labels: Int32Array.from(labels), testClasses: [...test].sort((a, b) => a - b) };
}
