import { iouOfCorners } from '../boxes/box-iou.js';
import type { CocoEvalParams } from './coco-params.js';
import type { IndexedGroundTruth, IndexedResults } from './validate-coco.js';

/** Outcome of one detection at one IoU threshold and area range (pycocotools' dtMatches/dtIgnore). */
export const DT_IGNORED = 0;
export const DT_TP = 1;
export const DT_FP = 2;

/**
 * Per-image matching of one category (or of all, with useCats=false), concatenated over the images
 * in sorted-id order: the same order pycocotools concatenates evalImgs in accumulate().
 */
export interface CategoryMatches {
  /** Detections kept (top maxDets[-1] per image). */
  count: number;
  /** Scores, per image sorted descending (stable). */
  score: Float64Array;
  /** Rank of each detection within its image, to cut at smaller maxDets. */
  rank: Int32Array;
  /** DT_IGNORED / DT_TP / DT_FP at [area][iouThreshold][detection]. */
  outcome: Uint8Array;
  /** Ground truths not ignored, per area range (pycocotools' npig). */
  npig: Int32Array;
}

/** Stable counting sort of entries by an integer key: `order` lists entries by key, `start[key]` where each run begins. */
function bucketByKey(keys: Int32Array, keyCount: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(keyCount + 1);
  for (let i = 0; i < keys.length; i++) start[keys[i]! + 1]!++;
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const order = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[fill[keys[i]!]!++] = i;
  return { start, order };
}

/**
 * Groups entries into (group, image) cells. With categories, a cell holds one category of one image;
 * without, a cell holds all of an image's entries ordered by category then file order, as pycocotools'
 * `[_ for cId in p.catIds for _ in self._dts[imgId, cId]]`.
 */
function cells(image: Int32Array, category: Int32Array, imageCount: number, categoryCount: number, useCats: boolean) {
  const n = image.length;
  const keys = new Int32Array(n);
  for (let i = 0; i < n; i++) keys[i] = useCats ? category[i]! * imageCount + image[i]! : image[i]! * categoryCount + category[i]!;
  const { start, order } = bucketByKey(keys, imageCount * categoryCount);
  const cellStart = (group: number, img: number): number => (useCats ? start[group * imageCount + img]! : start[img * categoryCount]!);
  const cellEnd = (group: number, img: number): number => (useCats ? start[group * imageCount + img + 1]! : start[(img + 1) * categoryCount]!);
  return { order, cellStart, cellEnd };
}

/** pycocotools' bbox IoU (maskApi.c bbIou) between detection d and gt g, both xywh; crowd gts divide by the detection's area. */
export function cocoBoxIou(dt: Float64Array, d: number, gt: Float64Array, g: number, crowd: boolean): number {
  const dx = dt[4 * d]!, dy = dt[4 * d + 1]!, dw = dt[4 * d + 2]!, dh = dt[4 * d + 3]!;
  const gx = gt[4 * g]!, gy = gt[4 * g + 1]!, gw = gt[4 * g + 2]!, gh = gt[4 * g + 3]!;
  // Right and bottom edges as w + x, areas as w * h: pycocotools' operations, so equal to the last bit.
  return iouOfCorners(dx, dy, dw + dx, dh + dy, dw * dh, gx, gy, gw + gx, gh + gy, gw * gh, crowd);
}

/** Runs pycocotools' evaluate(): per image and category, match detections to ground truth at every threshold and area range. */
export function evaluateImages(gt: IndexedGroundTruth, dt: IndexedResults, p: CocoEvalParams): CategoryMatches[] {
  const I = gt.imageIds.length;
  const C = gt.categoryIds.length;
  const K = p.useCats ? C : 1;
  const T = p.iouThresholds.length;
  const A = p.areaRanges.length;
  const maxDet = p.maxDets[p.maxDets.length - 1]!;
  const gtCells = cells(gt.image, gt.category, I, C, p.useCats);
  const dtCells = cells(dt.image, dt.category, I, C, p.useCats);
  const thresholds = Float64Array.from(p.iouThresholds, (t) => Math.min(t, 1 - 1e-10));
  const gtIgnoreBase = new Uint8Array(gt.count);
  for (let g = 0; g < gt.count; g++) gtIgnoreBase[g] = gt.crowd[g]! | (p.fixes.ignoreFlag ? gt.ignoreFlag[g]! : 0);
  const dtArea = new Float64Array(dt.count);
  for (let d = 0; d < dt.count; d++) dtArea[d] = dt.box[4 * d + 2]! * dt.box[4 * d + 3]!;

  // Scratch buffers, grown on demand and reused by every cell.
  let dts = new Int32Array(16);
  let ious = new Float64Array(256);
  let gtOrder = new Int32Array(16);
  let gtIg = new Uint8Array(16);
  let gtMatched = new Uint8Array(16 * T);

  const result: CategoryMatches[] = [];
  for (let k = 0; k < K; k++) {
    let count = 0;
    for (let i = 0; i < I; i++) count += Math.min(maxDet, dtCells.cellEnd(k, i) - dtCells.cellStart(k, i));
    const m: CategoryMatches = {
      count,
      score: new Float64Array(count),
      rank: new Int32Array(count),
      outcome: new Uint8Array(A * T * count),
      npig: new Int32Array(A),
    };
    let base = 0;
    for (let i = 0; i < I; i++) {
      const g0 = gtCells.cellStart(k, i), G = gtCells.cellEnd(k, i) - g0;
      const d0 = dtCells.cellStart(k, i), Dall = dtCells.cellEnd(k, i) - d0;
      if (G === 0 && Dall === 0) continue;
      // Detections by score, highest first, stable (np.argsort(-score, kind='mergesort')), top maxDet.
      if (dts.length < Dall) dts = new Int32Array(2 * Dall);
      sortByScore(dtCells.order, d0, Dall, dt.score, dts);
      const D = Math.min(Dall, maxDet);
      for (let d = 0; d < D; d++) {
        m.score[base + d] = dt.score[dts[d]!]!;
        m.rank[base + d] = d;
      }
      if (ious.length < D * G) ious = new Float64Array(2 * D * G);
      for (let d = 0; d < D; d++) {
        for (let g = 0; g < G; g++) {
          const gi = gtCells.order[g0 + g]!;
          ious[d * G + g] = cocoBoxIou(dt.box, dts[d]!, gt.box, gi, gt.crowd[gi] === 1);
        }
      }
      if (gtOrder.length < G) {
        gtOrder = new Int32Array(2 * G);
        gtIg = new Uint8Array(2 * G);
        gtMatched = new Uint8Array(2 * G * T);
      }
      for (let a = 0; a < A; a++) {
        const { min, max } = p.areaRanges[a]!;
        // Ground truth with ignored ones last, stable; gtOrder maps sorted position -> cell position.
        let n = 0;
        for (let pass = 0; pass < 2; pass++) {
          for (let g = 0; g < G; g++) {
            const gi = gtCells.order[g0 + g]!;
            const area = gt.area[gi]!;
            const ig = gtIgnoreBase[gi]! === 1 || area < min || area > max ? 1 : 0;
            if (ig !== pass) continue;
            gtOrder[n] = g;
            gtIg[n] = ig;
            n++;
          }
        }
        m.npig[a]! += countZeros(gtIg, G);
        gtMatched.fill(0, 0, T * G);
        for (let t = 0; t < T; t++) {
          const out = (a * T + t) * count + base;
          const matched = t * G;
          for (let d = 0; d < D; d++) {
            let best = thresholds[t]!;
            let match = -1;
            const row = d * G;
            for (let g = 0; g < G; g++) {
              const gi = gtCells.order[g0 + gtOrder[g]!]!;
              // A matched gt is taken unless it is a crowd region, which absorbs any number of detections.
              if (gtMatched[matched + g] === 1 && gt.crowd[gi] === 0) continue;
              // Ignored gts come last: once a regular gt matched, stop.
              if (match > -1 && gtIg[match] === 0 && gtIg[g] === 1) break;
              const iou = ious[row + gtOrder[g]!]!;
              if (iou < best) continue;
              best = iou;
              match = g;
            }
            const outside = dtArea[dts[d]!]! < min || dtArea[dts[d]!]! > max;
            if (match === -1) {
              m.outcome[out + d] = outside ? DT_IGNORED : DT_FP;
              continue;
            }
            gtMatched[matched + match] = 1;
            const matchedId = gt.id[gtCells.order[g0 + gtOrder[match]!]!]!;
            // pycocotools stores the gt id as the match, so a gt with id 0 reads as no match.
            const counted = matchedId !== 0 || p.fixes.zeroGtId;
            if (gtIg[match] === 1) m.outcome[out + d] = DT_IGNORED;
            else if (counted) m.outcome[out + d] = DT_TP;
            else m.outcome[out + d] = outside ? DT_IGNORED : DT_FP;
          }
        }
      }
      base += D;
    }
    result.push(m);
  }
  return result;
}

/** Writes `order[from .. from + n)` into `out` by score descending, ties kept in cell order (stable). */
function sortByScore(order: Int32Array, from: number, n: number, score: Float64Array, out: Int32Array): void {
  if (n > 32) {
    const positions = Array.from({ length: n }, (_, j) => j);
    positions.sort((x, y) => score[order[from + y]!]! - score[order[from + x]!]! || x - y);
    for (let j = 0; j < n; j++) out[j] = order[from + positions[j]!]!;
    return;
  }
  for (let j = 0; j < n; j++) {
    const idx = order[from + j]!;
    const s = score[idx]!;
    let q = j;
    while (q > 0 && score[out[q - 1]!]! < s) {
      out[q] = out[q - 1]!;
      q--;
    }
    out[q] = idx;
  }
}

function countZeros(flags: Uint8Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (flags[i] === 0) c++;
  return c;
}
