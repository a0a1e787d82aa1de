import type { CocoAccumulation } from './accumulate.js';
import type { CocoEvalParams } from './coco-params.js';
import { pairwiseSum } from './pairwise-sum.js';
import { formatFixed } from './python-format.js';

/** One of the 12 summary numbers: what pycocotools' _summarize is asked for. */
interface StatRequest {
  ap: boolean;
  iouThr?: number;
  area: string;
  maxDets: number;
}

/** The names of pycocotools' 12 bbox stats, in order. */
export const COCO_STAT_NAMES = Object.freeze([
  'AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl',
] as const);

/** maxDets[i] as summarize reads it; with the headlineMaxDets fix a shorter list falls back to its last entry. */
function maxDetAt(p: CocoEvalParams, i: number): number {
  const list = p.maxDets;
  return p.fixes.headlineMaxDets ? list[Math.min(i, list.length - 1)]! : list[i]!;
}

/** The maxDets of AP and per-category AP: the literal 100 in pycocotools (whatever the list holds). */
export function headlineMaxDet(p: CocoEvalParams): number {
  return p.fixes.headlineMaxDets ? maxDetAt(p, 2) : 100;
}

function statRequests(p: CocoEvalParams): StatRequest[] {
  const m2 = maxDetAt(p, 2);
  return [
    { ap: true, area: 'all', maxDets: headlineMaxDet(p) },
    { ap: true, iouThr: 0.5, area: 'all', maxDets: m2 },
    { ap: true, iouThr: 0.75, area: 'all', maxDets: m2 },
    { ap: true, area: 'small', maxDets: m2 },
    { ap: true, area: 'medium', maxDets: m2 },
    { ap: true, area: 'large', maxDets: m2 },
    { ap: false, area: 'all', maxDets: maxDetAt(p, 0) },
    { ap: false, area: 'all', maxDets: maxDetAt(p, 1) },
    { ap: false, area: 'all', maxDets: m2 },
    { ap: false, area: 'small', maxDets: m2 },
    { ap: false, area: 'medium', maxDets: m2 },
    { ap: false, area: 'large', maxDets: m2 },
  ];
}

/** np.mean(s[s > -1]) over `values[0 .. n)` (the selection in C order), or -1 when none is set. */
function meanOfSet(values: Float64Array, n: number): number {
  let kept = 0;
  for (let i = 0; i < n; i++) if (values[i]! > -1) values[kept++] = values[i]!;
  return kept === 0 ? -1 : pairwiseSum(values, 0, kept) / kept;
}

function statValue(acc: CocoAccumulation, p: CocoEvalParams, q: StatRequest, scratch: Float64Array): number {
  const [T, R, K, A, M] = acc.counts;
  const a = p.areaRanges.findIndex((r) => r.label === q.area);
  const m = p.maxDets.indexOf(q.maxDets);
  // A label or maxDets absent from the params selects nothing, and pycocotools reports -1.
  if (a < 0 || m < 0) return -1;
  let n = 0;
  for (let t = 0; t < T; t++) {
    if (q.iouThr !== undefined && p.iouThresholds[t] !== q.iouThr) continue;
    if (q.ap) {
      for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) scratch[n++] = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
    } else {
      for (let k = 0; k < K; k++) scratch[n++] = acc.recall[((t * K + k) * A + a) * M + m]!;
    }
  }
  return meanOfSet(scratch, n);
}

/** pycocotools' summarize() for bbox: the 12 stats and the lines it prints. */
export function summarizeCoco(acc: CocoAccumulation, p: CocoEvalParams): { stats: number[]; lines: string[] } {
  const thr = p.iouThresholds;
  const stats: number[] = [];
  const lines: string[] = [];
  const [T, R, K] = acc.counts;
  const scratch = new Float64Array(T * R * K);
  for (const q of statRequests(p)) {
    const value = statValue(acc, p, q, scratch);
    stats.push(value);
    const title = (q.ap ? 'Average Precision' : 'Average Recall').padEnd(18);
    const type = q.ap ? '(AP)' : '(AR)';
    const iou = q.iouThr === undefined ? `${formatFixed(thr[0]!, 2)}:${formatFixed(thr[thr.length - 1]!, 2)}` : formatFixed(q.iouThr, 2);
    lines.push(` ${title} ${type} @[ IoU=${iou.padEnd(9)} | area=${q.area.padStart(6)} | maxDets=${String(q.maxDets).padStart(3)} ] = ${formatFixed(value, 3)}`);
  }
  return { stats, lines };
}

/** AP per category at IoU .50:.95, area 'all' and the headline maxDets; -1 for categories without ground truth. */
export function perCategoryAp(acc: CocoAccumulation, p: CocoEvalParams): number[] {
  const [T, R, K, A, M] = acc.counts;
  const a = p.areaRanges.findIndex((r) => r.label === 'all');
  const m = p.maxDets.indexOf(headlineMaxDet(p));
  const scratch = new Float64Array(T * R);
  const aps: number[] = [];
  for (let k = 0; k < K; k++) {
    if (a < 0 || m < 0) {
      aps.push(-1);
      continue;
    }
    let n = 0;
    for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) scratch[n++] = acc.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
    aps.push(meanOfSet(scratch, n));
  }
  return aps;
}
