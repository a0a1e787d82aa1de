import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CocoEvalOptions } from './coco-params.js';
import type { CocoGroundTruth, CocoResult } from './coco-types.js';
import { evaluateCoco } from './evaluate-coco.js';

// Seeded cases evaluated by the real pycocotools 2.0.11 (numpy 2.4) with bench/make-pycocotools-fixture.ts:
// crowd regions, score ties, integer boxes, areas exactly 32² and 96², a gt with id 0, ignore flags,
// an image with more than 100 detections, images without gt, and non-default options.
interface FixtureCase {
  name: string;
  gt: CocoGroundTruth;
  dt: CocoResult[];
  options: CocoEvalOptions;
  expected: {
    stats: number[];
    perCategory: Record<string, number>;
    recall: number[];
    counts: number[];
    summary: string[];
    precisionSample: [number, number][];
  };
}

const cases = JSON.parse(readFileSync(new URL('./fixtures/pycocotools-cases.json', import.meta.url), 'utf8')) as FixtureCase[];

describe('evaluateCoco against recorded pycocotools numbers', () => {
  it.each(cases.map((c) => [c.name, JSON.stringify(c.options), c] as const))('%s %s: identical to the last bit', (_, __, c) => {
    const got = evaluateCoco(c.gt, c.dt, c.options);
    expect(got.stats).toEqual(c.expected.stats);
    expect(got.counts).toEqual(c.expected.counts);
    expect(Array.from(got.recall)).toEqual(c.expected.recall);
    for (const [index, value] of c.expected.precisionSample) expect(got.precision[index]).toBe(value);
    expect(got.perCategory).toEqual(c.expected.perCategory);
    expect(got.summary.split('\n')).toEqual(c.expected.summary);
  });
});
