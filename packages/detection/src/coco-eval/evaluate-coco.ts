import { InvalidArgumentError } from '@metricopt/core';
import { accumulate } from './accumulate.js';
import { resolveCocoParams, type CocoEvalOptions, type CocoEvalParams } from './coco-params.js';
import type { CocoGroundTruth, CocoId, CocoResult } from './coco-types.js';
import { evaluateImages } from './evaluate-images.js';
import { perCategoryAp, summarizeCoco } from './summarize.js';
import { checkGroundTruth, checkResults, CocoShapeProblem, type IndexedGroundTruth, type IndexedResults } from './validate-coco.js';

/** What evaluateCoco returns: pycocotools' stats, eval['precision'] and eval['recall'], and its printed summary. */
export interface CocoEvaluation {
  /** AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl (pycocotools' `stats`); -1 where no gt. */
  stats: number[];
  /** AP at IoU .50:.95, area 'all', maxDets 100, keyed by String(category id); -1 for categories without gt. Empty with useCats=false. */
  perCategory: Record<string, number>;
  /** [T][R][K][A][M] in C order (see `counts`), -1 where a setting has no gt: pycocotools' eval['precision']. */
  precision: Float64Array;
  /** [T][K][A][M] in C order: pycocotools' eval['recall']. */
  recall: Float64Array;
  counts: [number, number, number, number, number];
  params: CocoEvalParams & { imageIds: CocoId[]; categoryIds: CocoId[] };
  /** The 12 lines pycocotools' summarize() prints, joined by newlines. */
  summary: string;
}

function rethrow(err: unknown): never {
  if (err instanceof CocoShapeProblem) throw new InvalidArgumentError('evaluateCoco', err.path, err.expected, err.got);
  throw err;
}

/**
 * COCO bbox evaluation with pycocotools' numbers (`COCOeval(gt, dt, 'bbox')` then evaluate,
 * accumulate, summarize), over every image and category of the ground truth.
 *
 * Where pycocotools misbehaves its numbers are kept; `options.fixes` opts into the corrections.
 * Departures that only replace a pycocotools crash: an empty results list evaluates (every
 * detection missed), a gt annotation without `area` uses w·h, and unknown category ids in the
 * results are an error instead of being dropped silently.
 *
 * @example
 * const { stats, perCategory } = evaluateCoco(gt, [{ image_id: 1, category_id: 1, bbox: [10, 10, 50, 40], score: 0.9 }]);
 * stats[0]; // AP @[.50:.95]
 */
export function evaluateCoco(gt: CocoGroundTruth, dt: CocoResult[], options?: CocoEvalOptions): CocoEvaluation {
  const p = resolveCocoParams(options);
  let indexedGt;
  let indexedDt;
  try {
    indexedGt = checkGroundTruth(gt, 'gt');
    indexedDt = checkResults(dt, 'dt', indexedGt);
  } catch (err) {
    rethrow(err);
  }
  return evaluateIndexed(indexedGt, indexedDt, p);
}

/** evaluateCoco on inputs already validated and indexed. */
export function evaluateIndexed(gt: IndexedGroundTruth, dt: IndexedResults, p: CocoEvalParams): CocoEvaluation {
  const matches = evaluateImages(gt, dt, p);
  const acc = accumulate(matches, p);
  const { stats, lines } = summarizeCoco(acc, p);
  const perCategory: Record<string, number> = {};
  if (p.useCats) {
    const aps = perCategoryAp(acc, p);
    gt.categoryIds.forEach((id, k) => (perCategory[String(id)] = aps[k]!));
  }
  return {
    stats,
    perCategory,
    precision: acc.precision,
    recall: acc.recall,
    counts: acc.counts,
    params: { ...p, imageIds: gt.imageIds, categoryIds: gt.categoryIds },
    summary: lines.join('\n'),
  };
}
