// Writes src/coco-eval/fixtures/pycocotools-cases.json: small seeded cases with the real pycocotools'
// numbers (stats, per-category AP, recall, summary lines and a sample of precision entries), so the
// unit tests compare against pycocotools without needing Python.
// Usage: PYTHON=/path/to/python-with-pycocotools node --import tsx bench/make-pycocotools-fixture.ts
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCases, runPycocotools } from './pycocotools-cases.js';

const PRECISION_SAMPLE_STRIDE = 37;
const cases = makeCases(6, { images: 10, detections: 150 });
const results = runPycocotools(cases, '/tmp/coco-fixture', process.env.PYTHON ?? 'python3');
const fixture = cases.map((c, i) => {
  const r = results[i]!;
  const precisionSample: [number, number][] = [];
  for (let j = 0; j < r.precision.length; j += PRECISION_SAMPLE_STRIDE) precisionSample.push([j, r.precision[j]!]);
  return {
    name: c.name, gt: c.gt, dt: c.dt, options: c.options,
    expected: { stats: r.stats, perCategory: r.perCategory, recall: r.recall, counts: r.counts, summary: r.summary, precisionSample },
  };
});
const out = join(dirname(fileURLToPath(import.meta.url)), '../src/coco-eval/fixtures/pycocotools-cases.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(fixture));
console.log(`wrote ${fixture.length} cases to ${out}`);
