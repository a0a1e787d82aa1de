import { describe } from '@metricopt/core';
import type { CocoId } from './coco-types.js';

/** What is wrong with one entry of a COCO input; callers turn it into a FormatError or InvalidArgumentError. */
export class CocoShapeProblem {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: string,
  ) {}
}

/** Ground truth validated and laid out in flat arrays (annotations in file order). */
export interface IndexedGroundTruth {
  /** Image ids sorted ascending, as pycocotools' `sorted(cocoGt.getImgIds())`. */
  imageIds: CocoId[];
  imageIndex: Map<CocoId, number>;
  /** Category ids sorted ascending, as pycocotools' `sorted(cocoGt.getCatIds())`. */
  categoryIds: CocoId[];
  categoryIndex: Map<CocoId, number>;
  count: number;
  image: Int32Array;
  category: Int32Array;
  /** xywh, 4 per annotation. */
  box: Float64Array;
  area: Float64Array;
  crowd: Uint8Array;
  ignoreFlag: Uint8Array;
  difficult: Uint8Array;
  id: Float64Array;
}

/** Results validated against the ground truth's ids and laid out in flat arrays (file order). */
export interface IndexedResults {
  count: number;
  image: Int32Array;
  category: Int32Array;
  box: Float64Array;
  score: Float64Array;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new CocoShapeProblem(path, 'an array', describe(v));
  return v;
}

function checkRecord(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) throw new CocoShapeProblem(path, 'an object', describe(v));
  return v;
}

function checkId(v: unknown, path: string): CocoId {
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string') return v;
  throw new CocoShapeProblem(path, 'a finite number or a string', describe(v));
}

function checkFlag(v: unknown, path: string): number {
  if (v === undefined || v === 0 || v === false) return 0;
  if (v === 1 || v === true) return 1;
  throw new CocoShapeProblem(path, '0, 1, true or false', describe(v));
}

function checkBox(v: unknown, path: string, out: Float64Array, at: number): void {
  if (!Array.isArray(v) || v.length !== 4) throw new CocoShapeProblem(path, 'an array [x, y, width, height]', describe(v));
  for (let j = 0; j < 4; j++) {
    const c = v[j];
    if (typeof c !== 'number' || !Number.isFinite(c)) throw new CocoShapeProblem(`${path}[${j}]`, 'a finite number', describe(c));
    if (j >= 2 && c < 0) throw new CocoShapeProblem(`${path}[${j}]`, `a non-negative ${j === 2 ? 'width' : 'height'}`, describe(c));
    out[at + j] = c;
  }
}

/** Ids sorted as Python's sorted(): numbers numerically, strings by code unit; a mix has no order there either. */
function sortIds(ids: CocoId[], path: string): CocoId[] {
  const kinds = new Set(ids.map((id) => typeof id));
  if (kinds.size > 1) throw new CocoShapeProblem(path, 'ids that are all numbers or all strings', 'a mix of both');
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function indexIds(list: unknown[], path: string): { ids: CocoId[]; index: Map<CocoId, number> } {
  const seen = new Set<CocoId>();
  list.forEach((entry, i) => {
    const id = checkId(checkRecord(entry, `${path}[${i}]`).id, `${path}[${i}].id`);
    if (seen.has(id)) throw new CocoShapeProblem(`${path}[${i}].id`, 'an id not used by an earlier entry', describe(id));
    seen.add(id);
  });
  const ids = sortIds([...seen], `${path}[*].id`);
  return { ids, index: new Map(ids.map((id, i) => [id, i])) };
}

/** Validates a COCO instances object; `prefix` ('' for none) starts the entry paths in problems. */
export function checkGroundTruth(json: unknown, prefix: string): IndexedGroundTruth {
  const at = (key: string): string => (prefix ? `${prefix}.${key}` : key);
  const root = checkRecord(json, prefix || 'the ground truth');
  const images = checkArray(root.images, at('images'));
  const categories = checkArray(root.categories, at('categories'));
  const annotations = checkArray(root.annotations, at('annotations'));
  const { ids: imageIds, index: imageIndex } = indexIds(images, at('images'));
  const { ids: categoryIds, index: categoryIndex } = indexIds(categories, at('categories'));
  const n = annotations.length;
  const gt: IndexedGroundTruth = {
    imageIds, imageIndex, categoryIds, categoryIndex, count: n,
    image: new Int32Array(n), category: new Int32Array(n), box: new Float64Array(4 * n), area: new Float64Array(n),
    crowd: new Uint8Array(n), ignoreFlag: new Uint8Array(n), difficult: new Uint8Array(n), id: new Float64Array(n),
  };
  const annIds = new Set<number>();
  for (let i = 0; i < n; i++) {
    const p = `${at('annotations')}[${i}]`;
    const a = checkRecord(annotations[i], p);
    if (typeof a.id !== 'number' || !Number.isFinite(a.id)) throw new CocoShapeProblem(`${p}.id`, 'a finite number', describe(a.id));
    if (annIds.has(a.id)) throw new CocoShapeProblem(`${p}.id`, 'an id not used by an earlier annotation', describe(a.id));
    annIds.add(a.id);
    gt.id[i] = a.id;
    const img = imageIndex.get(checkId(a.image_id, `${p}.image_id`));
    if (img === undefined) throw new CocoShapeProblem(`${p}.image_id`, `the id of an entry of ${at('images')}`, describe(a.image_id));
    gt.image[i] = img;
    const cat = categoryIndex.get(checkId(a.category_id, `${p}.category_id`));
    if (cat === undefined) throw new CocoShapeProblem(`${p}.category_id`, `the id of an entry of ${at('categories')}`, describe(a.category_id));
    gt.category[i] = cat;
    checkBox(a.bbox, `${p}.bbox`, gt.box, 4 * i);
    if (a.area === undefined) gt.area[i] = gt.box[4 * i + 2]! * gt.box[4 * i + 3]!;
    else if (typeof a.area === 'number' && Number.isFinite(a.area) && a.area >= 0) gt.area[i] = a.area;
    else throw new CocoShapeProblem(`${p}.area`, 'a finite non-negative number', describe(a.area));
    gt.crowd[i] = checkFlag(a.iscrowd, `${p}.iscrowd`);
    gt.ignoreFlag[i] = checkFlag(a.ignore, `${p}.ignore`);
    gt.difficult[i] = checkFlag(a.difficult, `${p}.difficult`);
  }
  return gt;
}

/** Validates a COCO results array; with `gt`, every image and category id must belong to it. */
export function checkResults(json: unknown, path: string, gt?: IndexedGroundTruth): IndexedResults {
  const list = checkArray(json, path);
  const n = list.length;
  const res: IndexedResults = {
    count: n, image: new Int32Array(n), category: new Int32Array(n), box: new Float64Array(4 * n), score: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const p = `${path}[${i}]`;
    const r = checkRecord(list[i], p);
    const imageId = checkId(r.image_id, `${p}.image_id`);
    const categoryId = checkId(r.category_id, `${p}.category_id`);
    checkBox(r.bbox, `${p}.bbox`, res.box, 4 * i);
    if (typeof r.score !== 'number' || !Number.isFinite(r.score)) throw new CocoShapeProblem(`${p}.score`, 'a finite number', describe(r.score));
    res.score[i] = r.score;
    if (gt === undefined) continue;
    const img = gt.imageIndex.get(imageId);
    // pycocotools' loadRes asserts the same ("Results do not correspond to current coco set").
    if (img === undefined) throw new CocoShapeProblem(`${p}.image_id`, 'the id of an image of the ground truth', describe(imageId));
    const cat = gt.categoryIndex.get(categoryId);
    if (cat === undefined) throw new CocoShapeProblem(`${p}.category_id`, 'the id of a category of the ground truth', describe(categoryId));
    res.image[i] = img;
    res.category[i] = cat;
  }
  return res;
}
