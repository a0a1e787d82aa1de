// Cross-checks evaluateCoco against the real pycocotools on seeded synthetic cases, bit for bit:
// stats, every precision and recall entry, per-category AP and the printed summary lines.
// Usage: PYTHON=/path/to/python-with-pycocotools node --import tsx bench/pycocotools-compare.ts [cases] [workDir]
import { evaluateCoco } from '../src/coco-eval/evaluate-coco.js';
import { makeCases, runPycocotools } from './pycocotools-cases.js';

const cases = makeCases(Number(process.argv[2] ?? 40));
const expected = runPycocotools(cases, process.argv[3] ?? '/tmp/coco-compare', process.env.PYTHON ?? 'python3');
const same = (a: number, b: number | undefined): boolean => a === b;

let mismatches = 0;
cases.forEach((c, i) => {
  const want = expected[i]!;
  // pycocotools fails on fewer than 3 maxDets; no case asks for that.
  const got = evaluateCoco(c.gt, c.dt, c.options);
  const problems: string[] = [];
  got.stats.forEach((v, j) => { if (!same(v, want.stats[j])) problems.push(`stats[${j}] ${v} vs ${want.stats[j]}`); });
  if (got.precision.length !== want.precision.length) problems.push(`precision length ${got.precision.length} vs ${want.precision.length}`);
  const pBad = got.precision.filter((v, j) => !same(v, want.precision[j])).length;
  if (pBad) problems.push(`${pBad} precision entries differ`);
  const rBad = got.recall.filter((v, j) => !same(v, want.recall[j])).length;
  if (rBad) problems.push(`${rBad} recall entries differ`);
  for (const [k, v] of Object.entries(want.perCategory)) if (!same(got.perCategory[k] ?? NaN, v)) problems.push(`perCategory ${k} ${got.perCategory[k]} vs ${v}`);
  const lines = got.summary.split('\n');
  want.summary.forEach((l, j) => { if (lines[j] !== l) problems.push(`line ${j}: "${lines[j]}" vs "${l}"`); });
  if (problems.length) {
    mismatches++;
    console.log(`${c.name} ${JSON.stringify(c.options)}:\n  ${problems.slice(0, 8).join('\n  ')}`);
  }
});
console.log(`${cases.length - mismatches} of ${cases.length} cases identical to pycocotools`);
process.exitCode = mismatches ? 1 : 0;
