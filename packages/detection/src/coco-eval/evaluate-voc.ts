import { describe, InvalidArgumentError } from '@metricopt/core';
import type { CocoGroundTruth, CocoResult } from './coco-types.js';
import { pairwiseSum } from './pairwise-sum.js';
import { checkGroundTruth, checkResults, CocoShapeProblem } from './validate-coco.js';

export interface VocEvalOptions {
  /** VOC2007's 11-point interpolated AP (default); false: the all-points area of VOC2010+. */
  use07?: boolean;
  /** Overlap a detection needs with its best gt; 0.5 by default. */
  iouThreshold?: number;
  /** Match at IoU equal to the threshold (the Matlab devkit's `>=`); by default `>` as voc_eval.py. */
  inclusiveThreshold?: boolean;
  /** Widths and heights count one more pixel, as the devkit does on its 1-based inclusive pixel boxes. */
  plusOne?: boolean;
}

export interface VocEvaluation {
  /** Mean of the per-class APs, over classes with at least one non-difficult object (-1 when none has). */
  mAP: number;
  /** AP per category, keyed by String(category id); -1 for classes without non-difficult objects. */
  perCategory: Record<string, number>;
}

const EPS = 2 ** -52; // np.finfo(np.float64).eps, voc_eval's floor on tp + fp

/** voc_ap: 11-point (max precision at recall >= 0, 0.1, ..., 1, each / 11) or the area under the precision envelope. */
function vocAp(rec: Float64Array, prec: Float64Array, use07: boolean): number {
  const n = rec.length;
  if (use07) {
    let ap = 0;
    for (let i = 0; i <= 10; i++) {
      const t = i * 0.1; // np.arange(0., 1.1, 0.1): 0.30000000000000004 and friends
      let p = 0;
      for (let j = 0; j < n; j++) if (rec[j]! >= t && prec[j]! > p) p = prec[j]!;
      ap = ap + p / 11;
    }
    return ap;
  }
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  mrec.set(rec, 1);
  mrec[n + 1] = 1;
  mpre.set(prec, 1);
  for (let i = n + 1; i > 0; i--) mpre[i - 1] = Math.max(mpre[i - 1]!, mpre[i]!);
  const terms: number[] = [];
  for (let i = 0; i < n + 1; i++) if (mrec[i + 1] !== mrec[i]) terms.push((mrec[i + 1]! - mrec[i]!) * mpre[i + 1]!);
  return pairwiseSum(terms);
}

/**
 * Pascal VOC detection AP per class and its mean, following the devkit's Python port (voc_eval.py):
 * detections by score; each takes the gt of its image and class it overlaps most; above the threshold
 * it is a true positive if that gt is free, a false positive if already taken, and neither if the
 * gt is 'difficult' (`difficult: 1` on the annotation); difficult objects are not counted in recall.
 * Boxes are COCO xywh. Unlike voc_eval.py, whose quicksort leaves score ties in an unspecified order,
 * ties keep the results' order (as the Matlab devkit's stable sort).
 *
 * @example
 * const { mAP, perCategory } = evaluateVoc(gt, dt, { use07: true });
 */
export function evaluateVoc(gt: CocoGroundTruth, dt: CocoResult[], options: VocEvalOptions = {}): VocEvaluation {
  const use07 = options.use07 ?? true;
  const thr = options.iouThreshold ?? 0.5;
  if (typeof thr !== 'number' || !(thr >= 0 && thr <= 1)) throw new InvalidArgumentError('evaluateVoc', 'options.iouThreshold', 'a number in [0, 1]', describe(thr));
  const one = options.plusOne ? 1 : 0;
  let g;
  let d;
  try {
    g = checkGroundTruth(gt, 'gt');
    d = checkResults(dt, 'dt', g);
  } catch (err) {
    if (err instanceof CocoShapeProblem) throw new InvalidArgumentError('evaluateVoc', err.path, err.expected, err.got);
    throw err;
  }
  const I = g.imageIds.length;
  const C = g.categoryIds.length;
  // Ground truth of each (class, image), in file order.
  const gtCells = new Map<number, number[]>();
  const npos = new Int32Array(C);
  for (let i = 0; i < g.count; i++) {
    const key = g.category[i]! * I + g.image[i]!;
    const cell = gtCells.get(key);
    if (cell) cell.push(i);
    else gtCells.set(key, [i]);
    if (!g.difficult[i]) npos[g.category[i]!]!++;
  }
  const detsByClass: number[][] = Array.from({ length: C }, () => []);
  for (let j = 0; j < d.count; j++) detsByClass[d.category[j]!]!.push(j);
  const taken = new Uint8Array(g.count);
  const corners = (box: Float64Array, i: number): [number, number, number, number] => [box[4 * i]!, box[4 * i + 1]!, box[4 * i]! + box[4 * i + 2]!, box[4 * i + 1]! + box[4 * i + 3]!];

  const perCategory: Record<string, number> = {};
  const aps: number[] = [];
  for (let c = 0; c < C; c++) {
    if (npos[c] === 0) {
      perCategory[String(g.categoryIds[c])] = -1;
      continue;
    }
    const order = detsByClass[c]!.sort((x, y) => d.score[y]! - d.score[x]! || x - y);
    const n = order.length;
    const rec = new Float64Array(n);
    const prec = new Float64Array(n);
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < n; k++) {
      const j = order[k]!;
      const [bx1, by1, bx2, by2] = corners(d.box, j);
      let ovmax = -Infinity;
      let jmax = -1;
      for (const i of gtCells.get(c * I + d.image[j]!) ?? []) {
        const [gx1, gy1, gx2, gy2] = corners(g.box, i);
        const iw = Math.max(Math.min(gx2, bx2) - Math.max(gx1, bx1) + one, 0);
        const ih = Math.max(Math.min(gy2, by2) - Math.max(gy1, by1) + one, 0);
        const inters = iw * ih;
        const uni = (bx2 - bx1 + one) * (by2 - by1 + one) + (gx2 - gx1 + one) * (gy2 - gy1 + one) - inters;
        const ov = uni > 0 ? inters / uni : 0;
        // np.argmax: the first of equal maxima.
        if (ov > ovmax) {
          ovmax = ov;
          jmax = i;
        }
      }
      const matched = options.inclusiveThreshold ? ovmax >= thr : ovmax > thr;
      if (matched && jmax >= 0) {
        if (!g.difficult[jmax]) {
          if (!taken[jmax]) {
            tp++;
            taken[jmax] = 1;
          } else fp++;
        }
      } else fp++;
      rec[k] = tp / npos[c]!;
      prec[k] = tp / Math.max(tp + fp, EPS);
    }
    const ap = vocAp(rec, prec, use07);
    perCategory[String(g.categoryIds[c])] = ap;
    aps.push(ap);
  }
  return { mAP: aps.length ? pairwiseSum(aps) / aps.length : -1, perCategory };
}
