import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import type { CocoAnnotation, CocoGroundTruth, CocoResult, XywhBox } from './coco-types.js';
import { evaluateCoco, type CocoEvaluation } from './evaluate-coco.js';

// Hand-worked cases. pycocotools' precision is tp / (tp + fp + 2^-52): a lone true positive scores
// 1 / (1 + 2^-52) = 0.9999999999999998, two or more in a row reach exactly 1.
const LONE_TP = 1 / (1 + 2 ** -52);

function groundTruth(imageIds: number[], categoryIds: number[], annotations: Partial<CocoAnnotation>[]): CocoGroundTruth {
  return {
    images: imageIds.map((id) => ({ id })),
    categories: categoryIds.map((id) => ({ id, name: `c${id}` })),
    annotations: annotations.map((a, i) => {
      const bbox = a.bbox as XywhBox;
      return { id: i + 1, iscrowd: 0, area: bbox[2] * bbox[3], ...a } as CocoAnnotation;
    }),
  };
}
const gtBox = (image_id: number, category_id: number, bbox: XywhBox, extra: Partial<CocoAnnotation> = {}): Partial<CocoAnnotation> => ({ image_id, category_id, bbox, ...extra });
const det = (image_id: number, category_id: number, bbox: XywhBox, score: number): CocoResult => ({ image_id, category_id, bbox, score });

/** precision[t][r][k][a][m] of an evaluation. */
function precisionAt(e: CocoEvaluation, t: number, r: number, k: number, a: number, m: number): number {
  const [, R, K, A, M] = e.counts;
  return e.precision[(((t * R + r) * K + k) * A + a) * M + m]!;
}
const AP = 0, AP50 = 1, AP75 = 2, APS = 3, APM = 4, APL = 5, AR1 = 6, AR10 = 7, AR100 = 8, ARS = 9, ARM = 10, ARL = 11;

describe('evaluateCoco: hand-worked cases', () => {
  it('scores perfect detections 1 everywhere, and -1 for an area range without gt', () => {
    // One object per image and category, two per category and area range, none large.
    // 'all': category 1 has 4 TPs, category 2 has 2: envelopes reach 2/(2 + eps) = 1 at every recall.
    // 'small': category 1's two medium gts are ignored there and the detections matching them too.
    const gt = groundTruth([1, 2, 3, 4, 5], [1, 2], [
      gtBox(1, 1, [0, 0, 10, 10]), gtBox(2, 1, [5, 5, 20, 20]),
      gtBox(3, 1, [0, 0, 40, 40]), gtBox(4, 1, [10, 10, 50, 60]),
      gtBox(1, 2, [100, 100, 40, 50]), gtBox(2, 2, [200, 100, 60, 40]),
    ]);
    const dt = gt.annotations.map((a, i) => det(a.image_id as number, a.category_id as number, a.bbox as XywhBox, 0.9 - i * 0.1));
    const e = evaluateCoco(gt, dt);
    expect(e.stats).toEqual([1, 1, 1, 1, 1, -1, 1, 1, 1, 1, 1, -1]);
    expect(e.perCategory).toEqual({ '1': 1, '2': 1 });
  });

  it('gives a single perfectly detected object 1 / (1 + 2^-52), as pycocotools does', () => {
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10])]);
    const e = evaluateCoco(gt, [det(1, 1, [0, 0, 10, 10], 0.5)]);
    expect(precisionAt(e, 0, 0, 0, 0, 2)).toBe(LONE_TP);
    expect(e.stats[AP]).toBeCloseTo(1, 14);
    expect(e.stats[AP]).toBeLessThan(1);
    expect(e.stats[AR100]).toBe(1);
  });

  it('lets a crowd region absorb several detections, which are then ignored rather than false positives', () => {
    // Crowd C = [50, 50, 100, 100]; d2 and d3 lie inside it: crowd IoU = intersection / detection area = 1.
    // Sorted: d2 (.95, crowd), d3 (.9, crowd), d1 (.8, TP on A), d4 (.7, no overlap: FP).
    // Ignored detections leave tp/fp unchanged: tp = [0, 0, 1, 1], fp = [0, 0, 0, 1], npig = 1,
    // so the precision at recall 1 is 1 / (1 + eps) at every threshold. Were d2, d3 false positives it would be 1/3.
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(1, 1, [50, 50, 100, 100], { iscrowd: 1 })]);
    const dt = [det(1, 1, [0, 0, 10, 10], 0.8), det(1, 1, [60, 60, 20, 20], 0.95), det(1, 1, [70, 70, 20, 20], 0.9), det(1, 1, [200, 200, 10, 10], 0.7)];
    const e = evaluateCoco(gt, dt);
    for (let t = 0; t < 10; t++) for (let r = 0; r <= 100; r++) expect(precisionAt(e, t, r, 0, 0, 2)).toBe(LONE_TP);
    expect(e.stats[AR100]).toBe(1);
  });

  it('matches a regular gt before a crowd one, and falls back to the crowd when the regular IoU is too low', () => {
    // A = [0, 0, 10, 10]; crowd C = [0, 0, 100, 100]; d = [0, 0, 10, 15]: IoU(d, A) = 100/150 = 0.667, crowd IoU = 1.
    // t <= .65: d matches A (ignored gts come last, and the loop stops at them once a regular gt matched): TP.
    // t >= .7: A is out of reach, d matches the crowd: ignored, and A is missed (recall 0, precision 0).
    const gt = groundTruth([1, 2], [1], [
      gtBox(1, 1, [0, 0, 10, 10]), gtBox(1, 1, [0, 0, 100, 100], { iscrowd: 1 }), gtBox(2, 1, [0, 0, 10, 10]),
    ]);
    const dt = [det(1, 1, [0, 0, 10, 15], 0.9), det(2, 1, [0, 0, 10, 10], 0.8)];
    const e = evaluateCoco(gt, dt);
    const [T, , K, A, M] = e.counts;
    const recallAt = (t: number): number => e.recall[((t * K + 0) * A + 0) * M + 2]!;
    for (let t = 0; t < 4; t++) expect(recallAt(t)).toBe(1);
    for (let t = 4; t < T; t++) expect(recallAt(t)).toBe(0.5);
  });

  it('counts a gt with area exactly 32² as small and medium (inclusive bounds)', () => {
    // Two 32×32 objects, area 1024, detected perfectly: AP 1 in 'small' and 'medium'; nothing large (-1).
    // A detection of area exactly 96² = 9216 that matches nothing is a false positive in 'medium'
    // (inclusive) but ignored in 'small' (outside): it lowers APm and leaves APs at 1.
    const gt = groundTruth([1, 2], [1], [gtBox(1, 1, [0, 0, 32, 32]), gtBox(2, 1, [0, 0, 32, 32])]);
    const dt = [det(1, 1, [0, 0, 32, 32], 0.8), det(2, 1, [0, 0, 32, 32], 0.7), det(1, 1, [200, 200, 96, 96], 0.9)];
    const e = evaluateCoco(gt, dt);
    expect(e.stats[APS]).toBe(1);
    expect(e.stats[APL]).toBe(-1);
    // medium: sorted FP (.9), TP, TP: pr = [0, 1/2, 2/3], envelope 2/3 at every recall point.
    for (let r = 0; r <= 100; r++) expect(precisionAt(e, 0, r, 0, 2, 2)).toBe(2 / (3 + 2 ** -52));
    expect(e.stats[APM]).toBeCloseTo(2 / 3, 14);
  });

  it('breaks score ties by result order within an image and by image id across images (stable sort)', () => {
    // All scores 0.5. Image 1 lists a false positive before its true positive; image 2 has a true positive.
    // Order: FP(img 1), TP(img 1), TP(img 2): tp = [0, 1, 2], fp = [1, 1, 1], rc = [0, .5, 1],
    // pr = [0, 1/2, 2/3] -> envelope 2/3 everywhere.
    const gt = groundTruth([1, 2], [1], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(2, 1, [0, 0, 10, 10])]);
    const fpFirst = [det(2, 1, [0, 0, 10, 10], 0.5), det(1, 1, [50, 50, 10, 10], 0.5), det(1, 1, [0, 0, 10, 10], 0.5)];
    const a = evaluateCoco(gt, fpFirst);
    for (let r = 0; r <= 100; r++) expect(precisionAt(a, 0, r, 0, 0, 2)).toBe(2 / (3 + 2 ** -52));
    // TP listed first in image 1: order TP, FP, TP: pr = [1/(1+eps), 1/2, 2/3], rc = [.5, .5, 1]:
    // recall points up to .5 take the first entry, the 50 above take 2/3.
    const tpFirst = [fpFirst[0]!, fpFirst[2]!, fpFirst[1]!];
    const b = evaluateCoco(gt, tpFirst);
    for (let r = 0; r <= 50; r++) expect(precisionAt(b, 0, r, 0, 0, 2)).toBe(LONE_TP);
    for (let r = 51; r <= 100; r++) expect(precisionAt(b, 0, r, 0, 0, 2)).toBe(2 / (3 + 2 ** -52));
    expect(b.stats[AP]).toBeCloseTo((51 + 50 * (2 / 3)) / 101, 12);
  });

  it('keeps only the top 100 detections of an image', () => {
    // 100 far-away false positives at 0.9 and the only true positive at 0.5 (the 101st): cut at 100.
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10])]);
    const dt = [det(1, 1, [0, 0, 10, 10], 0.5)];
    for (let i = 0; i < 100; i++) dt.push(det(1, 1, [100 + i, 100, 10, 10], 0.9));
    const e = evaluateCoco(gt, dt);
    expect(e.stats[AP]).toBe(0);
    expect(e.stats[AR100]).toBe(0);
    // With maxDets [1, 10, 101] the true positive counts at 101: recall 1, precision 1/101 at every recall point.
    // pycocotools' AP (stats[0]) looks for maxDets=100, finds none and reports -1; the fix uses maxDets[2].
    const custom = evaluateCoco(gt, dt, { maxDets: [1, 10, 101] });
    expect(custom.stats[AP]).toBe(-1);
    expect(custom.stats[AR100]).toBe(1);
    expect(custom.stats[AP50]).toBeCloseTo(1 / 101, 15);
    expect(custom.perCategory['1']).toBe(-1);
    expect(custom.summary.split('\n')[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = -1.000');
    const fixed = evaluateCoco(gt, dt, { maxDets: [1, 10, 101], fixes: { headlineMaxDets: true } });
    expect(fixed.stats[AP]).toBeCloseTo(1 / 101, 15);
    expect(fixed.perCategory['1']).toBeCloseTo(1 / 101, 15);
    expect(fixed.summary.split('\n')[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=101 ] = 0.010');
  });

  it('handles images with gt and no detections, and detections on images without gt', () => {
    // Image 1: gt + TP (.9). Image 2: no gt, a detection (.95): FP. Image 3: gt, no detection. npig = 2.
    // Sorted FP, TP: rc = [0, .5], pr = [0, 1/2]: recall points 0..0.5 (51) take 1/2, the 50 above 0.
    const gt = groundTruth([1, 2, 3], [1], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(3, 1, [0, 0, 10, 10])]);
    const e = evaluateCoco(gt, [det(1, 1, [0, 0, 10, 10], 0.9), det(2, 1, [0, 0, 10, 10], 0.95)]);
    for (let r = 0; r <= 50; r++) expect(precisionAt(e, 0, r, 0, 0, 2)).toBe(0.5);
    for (let r = 51; r <= 100; r++) expect(precisionAt(e, 0, r, 0, 0, 2)).toBe(0);
    expect(e.stats[AP]).toBeCloseTo((51 * 0.5) / 101, 14);
    expect(e.stats[AR100]).toBe(0.5);
  });

  it('matches at IoU exactly equal to a threshold', () => {
    // d = [0, 0, 10, 20] on gt [0, 0, 10, 10]: IoU = 100/200 = 0.5: a match at t = .5 only.
    // d = [0, 0, 10, 7.5]: IoU = 75/100 = 0.75: a match at .5 .. .75 (6 of 10 thresholds).
    const gt = groundTruth([1, 2, 3, 4], [1, 2], [
      gtBox(1, 1, [0, 0, 10, 10]), gtBox(2, 1, [0, 0, 10, 10]), gtBox(3, 2, [0, 0, 10, 10]), gtBox(4, 2, [0, 0, 10, 10]),
    ]);
    const dt = [det(1, 1, [0, 0, 10, 20], 0.9), det(2, 1, [0, 0, 10, 20], 0.8), det(3, 2, [0, 0, 10, 7.5], 0.9), det(4, 2, [0, 0, 10, 7.5], 0.8)];
    const e = evaluateCoco(gt, dt);
    expect(e.perCategory['1']).toBeCloseTo(0.1, 15);
    expect(e.perCategory['2']).toBeCloseTo(0.6, 15);
    expect(e.stats[AP50]).toBe(1);
    expect(e.stats[AP75]).toBeCloseTo(0.5, 15);
  });

  it('reports -1 for a category without gt and leaves it out of the means', () => {
    // Category 2 has no gt but a detection: precision stays -1 there, and AP is category 1's alone.
    const gt = groundTruth([1, 2], [1, 2], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(2, 1, [0, 0, 10, 10])]);
    const dt = [det(1, 1, [0, 0, 10, 10], 0.9), det(2, 1, [0, 0, 10, 10], 0.8), det(1, 2, [0, 0, 10, 10], 0.99)];
    const e = evaluateCoco(gt, dt);
    expect(e.perCategory).toEqual({ '1': 1, '2': -1 });
    expect(e.stats[AP]).toBe(1);
    expect(precisionAt(e, 0, 0, 1, 0, 2)).toBe(-1);
  });

  it('evaluates an empty result list (pycocotools crashes on it): 0 where gt exists, -1 elsewhere', () => {
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10])]);
    expect(evaluateCoco(gt, []).stats).toEqual([0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1]);
  });

  it('ignores categories with useCats=false', () => {
    const gt = groundTruth([1], [1, 2], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(1, 2, [50, 50, 10, 10])]);
    const dt = [det(1, 2, [0, 0, 10, 10], 0.9), det(1, 1, [50, 50, 10, 10], 0.8)];
    expect(evaluateCoco(gt, dt).stats[AP]).toBe(0);
    const e = evaluateCoco(gt, dt, { useCats: false });
    expect(e.stats[AP]).toBe(1);
    expect(e.perCategory).toEqual({});
    expect(e.counts[2]).toBe(1);
  });
});

describe('evaluateCoco: pycocotools quirks and their fixes', () => {
  it("disregards the annotations' ignore flag (pycocotools overwrites it with iscrowd) unless fixes.ignoreFlag", () => {
    // gt 2 has ignore: 1 and no detection. pycocotools still counts it: recall 1/2.
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(1, 1, [50, 50, 10, 10], { ignore: 1 })]);
    const dt = [det(1, 1, [0, 0, 10, 10], 0.9)];
    expect(evaluateCoco(gt, dt).stats[AR100]).toBe(0.5);
    expect(evaluateCoco(gt, dt, { fixes: { ignoreFlag: true } }).stats[AR100]).toBe(1);
  });

  it('counts a match to a gt with id 0 as a false positive (pycocotools stores matches by gt id) unless fixes.zeroGtId', () => {
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10], { id: 0 }), gtBox(1, 1, [50, 50, 10, 10], { id: 7 })]);
    const dt = [det(1, 1, [0, 0, 10, 10], 0.9), det(1, 1, [50, 50, 10, 10], 0.8)];
    // Quirk: FP then TP: recall 1/2, and precision 1/2 up to it.
    const e = evaluateCoco(gt, dt);
    expect(e.stats[AR100]).toBe(0.5);
    expect(precisionAt(e, 0, 0, 0, 0, 2)).toBe(0.5);
    expect(evaluateCoco(gt, dt, { fixes: { zeroGtId: true } }).stats).toEqual([1, 1, 1, 1, -1, -1, 0.5, 1, 1, 1, -1, -1]);
  });

  it('requires three maxDets unless fixes.headlineMaxDets (pycocotools summarize reads maxDets[2])', () => {
    const gt = groundTruth([1], [1], [gtBox(1, 1, [0, 0, 10, 10])]);
    const dt = [det(1, 1, [0, 0, 10, 10], 0.9)];
    expect(() => evaluateCoco(gt, dt, { maxDets: [1, 10] })).toThrow(InvalidArgumentError);
    const e = evaluateCoco(gt, dt, { maxDets: [10, 1], fixes: { headlineMaxDets: true } });
    expect(e.params.maxDets).toEqual([1, 10]);
    expect(e.stats[AR100]).toBe(1);
    expect(e.summary.split('\n')[8]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 1.000');
  });
});

describe('evaluateCoco: summary text', () => {
  it("prints pycocotools' 12 lines", () => {
    const gt = groundTruth([1, 2, 3], [1], [gtBox(1, 1, [0, 0, 10, 10]), gtBox(3, 1, [0, 0, 10, 10])]);
    const e = evaluateCoco(gt, [det(1, 1, [0, 0, 10, 10], 0.9), det(2, 1, [0, 0, 10, 10], 0.95)]);
    expect(e.summary).toBe([
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.252',
      ' Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 0.252',
      ' Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.252',
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.252',
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000',
      ' Average Precision  (AP) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000',
      ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.500',
      ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets= 10 ] = 0.500',
      ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500',
      ' Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 0.500',
      ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000',
      ' Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000',
    ].join('\n'));
  });
});

describe('evaluateCoco: input validation', () => {
  const gt = groundTruth([1, 2], [1], [gtBox(1, 1, [0, 0, 10, 10])]);
  const ok = det(1, 1, [0, 0, 10, 10], 0.9);
  it.each([
    ['an unknown image id', [ok, { ...ok, image_id: 9 }], /'dt\[1\]\.image_id'.*an image of the ground truth, got 9/],
    ['an unknown category id', [{ ...ok, category_id: 3 }], /'dt\[0\]\.category_id'.*got 3/],
    ['a negative width', [ok, ok, { ...ok, bbox: [0, 0, -1, 5] }], /'dt\[2\]\.bbox\[2\]'.*non-negative width, got -1/],
    ['a NaN coordinate', [{ ...ok, bbox: [NaN, 0, 1, 5] }], /'dt\[0\]\.bbox\[0\]'.*finite number, got NaN/],
    ['a non-finite score', [{ ...ok, score: Infinity }], /'dt\[0\]\.score'.*finite number, got Infinity/],
    ['a missing bbox', [{ image_id: 1, category_id: 1, score: 1 }], /'dt\[0\]\.bbox'.*\[x, y, width, height\], got undefined/],
    ['a non-array', { results: [] }, /'dt'.*an array, got object/],
  ])('rejects %s in the results, naming the entry', (_, dt, message) => {
    expect(() => evaluateCoco(gt, dt as CocoResult[])).toThrow(InvalidArgumentError);
    expect(() => evaluateCoco(gt, dt as CocoResult[])).toThrow(message);
  });
  it('rejects malformed ground truth, naming the entry', () => {
    const bad = { ...gt, annotations: [gt.annotations[0]!, { ...gt.annotations[0]!, id: 2, image_id: 5 }] };
    expect(() => evaluateCoco(bad, [])).toThrow(/'gt\.annotations\[1\]\.image_id'/);
    expect(() => evaluateCoco({ ...gt, annotations: [gt.annotations[0]!, gt.annotations[0]!] }, [])).toThrow(/'gt\.annotations\[1\]\.id'.*not used by an earlier annotation/);
    expect(() => evaluateCoco({ images: [], categories: [] } as unknown as CocoGroundTruth, [])).toThrow(/'gt\.annotations' .*an array, got undefined/);
    expect(() => evaluateCoco({ ...gt, images: [{ id: 1 }, { id: 'b' }] }, [])).toThrow(/all numbers or all strings/);
  });
  it('rejects bad options', () => {
    expect(() => evaluateCoco(gt, [], { maxDets: [1, 0, 100] })).toThrow(/'options\.maxDets\[1\]'/);
    expect(() => evaluateCoco(gt, [], { iouThresholds: [0.5, 1.5] })).toThrow(/'options\.iouThresholds\[1\]'/);
  });
  it('is a FormatError from the parsers', async () => {
    const { parseCocoResults } = await import('./parse-coco.js');
    expect(() => parseCocoResults('[{"image_id":1}', 'dt.json')).toThrow(FormatError);
  });
});
