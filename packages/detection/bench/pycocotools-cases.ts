// Seeded synthetic cases and a runner for the real pycocotools (bench/pycocotools-oracle.py), shared by
// pycocotools-compare.ts and make-pycocotools-fixture.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@metricopt/core';
import type { CocoEvalOptions } from '../src/coco-eval/coco-params.js';
import type { CocoGroundTruth, CocoResult } from '../src/coco-eval/coco-types.js';
import { makeSyntheticCoco } from './synthetic-coco.js';

export interface CocoCase {
  name: string;
  gt: CocoGroundTruth;
  dt: CocoResult[];
  options: CocoEvalOptions;
}

/** What the oracle writes: pycocotools' numbers for one case. */
export interface PycocotoolsResult {
  stats: number[];
  precision: number[];
  recall: number[];
  counts: number[];
  perCategory: Record<string, number>;
  summary: string[];
}

const OPTION_SETS: CocoEvalOptions[] = [
  {},
  { useCats: false },
  { maxDets: [1, 10, 50] },
  { maxDets: [1, 5, 100, 300] },
  { iouThresholds: [0.3, 0.5, 0.75, 0.9] },
  { areaRanges: [{ label: 'all', min: 0, max: 1e10 }, { label: 'small', min: 0, max: 2000 }, { label: 'large', min: 2000, max: 1e10 }] },
];

/** `count` cases; even ones stress corner cases (integer boxes, score ties, id 0, ignore flags, >100 detections). */
export function makeCases(count: number, size: { images: number; detections: number } = { images: 30, detections: 400 }): CocoCase[] {
  return Array.from({ length: count }, (_, c) => {
    const rng = new Rng(1000 + c);
    const { gt, dt } = makeSyntheticCoco(rng, {
      images: 5 + rng.int(size.images), categories: 1 + rng.int(6), gtsPerImage: 1 + rng.int(8),
      detections: 20 + rng.int(size.detections), crowdRate: 0.1, corners: c % 2 === 0,
    });
    return { name: `case-${c}`, gt, dt, options: OPTION_SETS[c % OPTION_SETS.length]! };
  });
}

/** Writes each case under `dir`, runs pycocotools on them with `python` and returns its numbers. */
export function runPycocotools(cases: CocoCase[], dir: string, python: string): PycocotoolsResult[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const dirs = cases.map((c) => {
    const d = join(dir, c.name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'gt.json'), JSON.stringify(c.gt));
    writeFileSync(join(d, 'dt.json'), JSON.stringify(c.dt));
    writeFileSync(join(d, 'options.json'), JSON.stringify(c.options));
    return d;
  });
  execFileSync(python, [join(here, 'pycocotools-oracle.py'), ...dirs], { stdio: 'inherit' });
  return dirs.map((d) => JSON.parse(readFileSync(join(d, 'expected.json'), 'utf8')) as PycocotoolsResult);
}
