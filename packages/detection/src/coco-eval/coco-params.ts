import { describe, InvalidArgumentError } from '@metricopt/core';
import { COCO_IOU_THRESHOLDS, COCO_RECALL_THRESHOLDS } from './numpy-linspace.js';

/** An object-area range, inclusive at both ends as in pycocotools. */
export interface CocoAreaRange {
  label: string;
  min: number;
  max: number;
}

/** pycocotools' ranges: all [0, 1e5²], small [0, 32²], medium [32², 96²], large [96², 1e5²]. */
export const COCO_AREA_RANGES: readonly CocoAreaRange[] = Object.freeze([
  { label: 'all', min: 0, max: 1e10 },
  { label: 'small', min: 0, max: 32 ** 2 },
  { label: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { label: 'large', min: 96 ** 2, max: 1e10 },
]);

/**
 * Opt-in departures from pycocotools where its behaviour is a bug. Every default (false) keeps
 * pycocotools' numbers.
 */
export interface CocoEvalFixes {
  /**
   * pycocotools' summarize computes AP (stats[0]) at the literal maxDets=100 while the other stats use
   * maxDets[0..2]; with a maxDets list without 100 (e.g. [1, 10, 50]) it finds no entry and reports
   * AP = -1 (and it fails outright on lists shorter than 3). With this fix AP and per-category AP use
   * maxDets[2] like AP50..APl, and a shorter list uses its last entry wherever maxDets[1] or [2] is read.
   */
  headlineMaxDets?: boolean;
  /** pycocotools overwrites each annotation's `ignore` with its `iscrowd`; with this fix `ignore: 1` also ignores the gt. */
  ignoreFlag?: boolean;
  /**
   * pycocotools records a match as the matched gt's id and reads 0 as "unmatched", so a detection that
   * matches a gt whose id is 0 counts as a false positive. With this fix it counts as a match.
   */
  zeroGtId?: boolean;
}

export interface CocoEvalOptions {
  /** Max detections per image, [1, 10, 100] by default; sorted ascending as pycocotools does. */
  maxDets?: number[];
  /** IoU thresholds, pycocotools' np.linspace(.5, .95, 10) by default. */
  iouThresholds?: number[];
  /** Area ranges with labels; summarize looks up 'all', 'small', 'medium', 'large'. */
  areaRanges?: CocoAreaRange[];
  /** false: ignore categories, as proposal scoring (pycocotools' useCats=0). Default true. */
  useCats?: boolean;
  fixes?: CocoEvalFixes;
}

/** Options resolved and checked. */
export interface CocoEvalParams {
  iouThresholds: number[];
  recallThresholds: number[];
  areaRanges: CocoAreaRange[];
  maxDets: number[];
  useCats: boolean;
  fixes: Required<CocoEvalFixes>;
}

export function resolveCocoParams(options: CocoEvalOptions = {}, fn = 'evaluateCoco'): CocoEvalParams {
  const fail = (arg: string, expected: string, got: unknown): never => {
    throw new InvalidArgumentError(fn, `options.${arg}`, expected, describe(got));
  };
  const maxDets = options.maxDets ?? [1, 10, 100];
  if (!Array.isArray(maxDets) || maxDets.length === 0) fail('maxDets', 'a non-empty array of positive integers', maxDets);
  maxDets.forEach((m, i) => {
    if (!Number.isInteger(m) || m < 1) fail(`maxDets[${i}]`, 'a positive integer', m);
  });
  if (new Set(maxDets).size !== maxDets.length) fail('maxDets', 'distinct values', maxDets);
  const iouThresholds = options.iouThresholds ?? [...COCO_IOU_THRESHOLDS];
  if (!Array.isArray(iouThresholds) || iouThresholds.length === 0) fail('iouThresholds', 'a non-empty array of numbers in [0, 1]', iouThresholds);
  iouThresholds.forEach((t, i) => {
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) fail(`iouThresholds[${i}]`, 'a number in [0, 1]', t);
  });
  if (new Set(iouThresholds).size !== iouThresholds.length) fail('iouThresholds', 'distinct values', iouThresholds);
  const areaRanges = options.areaRanges ?? COCO_AREA_RANGES.map((r) => ({ ...r }));
  if (!Array.isArray(areaRanges) || areaRanges.length === 0) fail('areaRanges', 'a non-empty array of {label, min, max}', areaRanges);
  areaRanges.forEach((r, i) => {
    if (typeof r?.label !== 'string') fail(`areaRanges[${i}].label`, 'a string', r?.label);
    if (!Number.isFinite(r.min) || !Number.isFinite(r.max) || r.min > r.max) fail(`areaRanges[${i}]`, 'finite min <= max', `[${r.min}, ${r.max}]`);
  });
  if (new Set(areaRanges.map((r) => r.label)).size !== areaRanges.length) fail('areaRanges', 'distinct labels', areaRanges);
  const fixes = options.fixes ?? {};
  const resolved: CocoEvalParams = {
    iouThresholds: [...iouThresholds],
    recallThresholds: [...COCO_RECALL_THRESHOLDS],
    areaRanges: areaRanges.map((r) => ({ label: r.label, min: r.min, max: r.max })),
    maxDets: [...maxDets].sort((a, b) => a - b),
    useCats: options.useCats ?? true,
    fixes: { headlineMaxDets: fixes.headlineMaxDets ?? false, ignoreFlag: fixes.ignoreFlag ?? false, zeroGtId: fixes.zeroGtId ?? false },
  };
  if (resolved.maxDets.length < 3 && !resolved.fixes.headlineMaxDets) {
    // pycocotools' summarize reads maxDets[2] and raises IndexError on shorter lists.
    fail('maxDets', 'at least 3 values (pycocotools summarize reads maxDets[0..2]; set fixes.headlineMaxDets to summarise fewer)', maxDets);
  }
  return resolved;
}
