import type { CocoEvalParams } from './coco-params.js';
import { DT_FP, DT_TP, type CategoryMatches } from './evaluate-images.js';

/** Precision [T][R][K][A][M] and recall [T][K][A][M], flattened in C order; -1 where a setting has no ground truth. */
export interface CocoAccumulation {
  precision: Float64Array;
  recall: Float64Array;
  /** [T, R, K, A, M] */
  counts: [number, number, number, number, number];
}

// np.spacing(1): pycocotools adds it to tp + fp, so a single true positive has precision 1 / (1 + 2^-52).
const SPACING_1 = 2 ** -52;

/** pycocotools' accumulate(): per category, area range and maxDets, the interpolated precision at each recall point. */
export function accumulate(matches: CategoryMatches[], p: CocoEvalParams): CocoAccumulation {
  const T = p.iouThresholds.length;
  const R = p.recallThresholds.length;
  const K = matches.length;
  const A = p.areaRanges.length;
  const M = p.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const recThrs = p.recallThresholds;
  let rc = new Float64Array(64);
  let pr = new Float64Array(64);
  for (let k = 0; k < K; k++) {
    const cm = matches[k]!;
    const N = cm.count;
    // One stable sort by score across images (np.argsort(-scores, kind='mergesort')); a smaller maxDets keeps a subsequence.
    const byScore = Array.from({ length: N }, (_, j) => j);
    byScore.sort((x, y) => cm.score[y]! - cm.score[x]! || x - y);
    if (rc.length < N) {
      rc = new Float64Array(N);
      pr = new Float64Array(N);
    }
    const kept = new Int32Array(N);
    let keptAll = -1;
    for (let mi = 0; mi < M; mi++) {
      const maxDet = p.maxDets[mi]!;
      let nd = 0;
      for (let j = 0; j < N; j++) if (cm.rank[byScore[j]!]! < maxDet) kept[nd++] = byScore[j]!;
      // A maxDets that cuts nothing gives the numbers of the first one that cut nothing.
      if (nd === N && keptAll >= 0) {
        copySetting(precision, recall, T, R, K, A, M, k, keptAll, mi);
        continue;
      }
      if (nd === N) keptAll = mi;
      for (let a = 0; a < A; a++) {
        const npig = cm.npig[a]!;
        if (npig === 0) continue;
        for (let t = 0; t < T; t++) {
          const outcome = (a * T + t) * N;
          // Ignored detections repeat the previous (tp, fp) and change neither the envelope nor the sampling, so they are skipped.
          let tp = 0;
          let fp = 0;
          let n = 0;
          for (let j = 0; j < nd; j++) {
            const o = cm.outcome[outcome + kept[j]!]!;
            if (o === DT_TP) tp++;
            else if (o === DT_FP) fp++;
            else continue;
            rc[n] = tp / npig;
            pr[n] = tp / (fp + tp + SPACING_1);
            n++;
          }
          recall[((t * K + k) * A + a) * M + mi] = n > 0 ? rc[n - 1]! : 0;
          // Precision envelope: each point takes the best precision at any higher recall.
          for (let j = n - 1; j > 0; j--) if (pr[j]! > pr[j - 1]!) pr[j - 1] = pr[j]!;
          // Sample at each recall point: the first detection reaching it (np.searchsorted side='left'); 0 beyond the last.
          let j = 0;
          let at = (((t * R) * K + k) * A + a) * M + mi;
          const stride = K * A * M;
          for (let r = 0; r < R; r++, at += stride) {
            while (j < n && rc[j]! < recThrs[r]!) j++;
            precision[at] = j < n ? pr[j]! : 0;
          }
        }
      }
    }
  }
  return { precision, recall, counts: [T, R, K, A, M] };
}

function copySetting(precision: Float64Array, recall: Float64Array, T: number, R: number, K: number, A: number, M: number, k: number, from: number, to: number): void {
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < A; a++) {
      recall[((t * K + k) * A + a) * M + to] = recall[((t * K + k) * A + a) * M + from]!;
      for (let r = 0; r < R; r++) {
        const at = (((t * R + r) * K + k) * A + a) * M;
        precision[at + to] = precision[at + from]!;
      }
    }
  }
}
