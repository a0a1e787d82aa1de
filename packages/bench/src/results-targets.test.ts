import { InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { pairedComparison } from './paired-comparison.js';
import { formatTableAndComparison } from './report/console-summary.js';
import { formatResultsTable } from './results-table.js';
import { resultForTarget, resultTargets } from './results-targets.js';
import { ResultsBuilder, validateBenchResult, type RunRecord } from './results.js';

const run = (seed: number, target: string, after: number, stepsToTarget: number): RunRecord => ({
  seed, target, before: 0.3, after, steps: 100, metricCalls: 91, wallSeconds: 1, metricSplitAfter: after - 0.01, stepsToTarget,
});

/** Two targets, two seeds: meta-trained is better than fresh by 0.01 on 'a' and worse by 0.02 on 'b'. */
function transferResult() {
  const b = new ResultsBuilder({ task: 'transfer', dataset: 'a, b', metric: { name: 'balanced-error', higherIsBetter: false }, baseline: 'fresh' });
  for (const seed of [1, 2]) {
    b.addRun('fresh', run(seed, 'a', 0.2 + seed / 100, 80));
    b.addRun('fresh', run(seed, 'b', 0.3, 100));
    b.addRun('meta-trained', run(seed, 'a', 0.19 + seed / 100, 40 + seed * 10));
    b.addRun('meta-trained', run(seed, 'b', 0.32, 100));
  }
  return b.build();
}

describe('results with targets and steps to target', () => {
  it('the schema takes stepsToTarget, target and baseline, and stays valid without them', () => {
    const r = transferResult();
    expect(r.baseline).toBe('fresh');
    expect(() => validateBenchResult({ ...r, methods: { x: { ...r.methods.fresh!, runs: [{ ...r.methods.fresh!.runs[0]!, stepsToTarget: -1 }] } } })).toThrow(/stepsToTarget/);
    expect(() => validateBenchResult({ ...r, methods: { x: { ...r.methods.fresh!, runs: [{ ...r.methods.fresh!.runs[0]!, stepsToTarget: 2.5 }] } } })).toThrow(/stepsToTarget/);
    const { target: _t, stepsToTarget: _s, ...plain } = r.methods.fresh!.runs[0]!;
    expect(validateBenchResult({ task: 't', dataset: 'd', metric: r.metric, methods: { loss: { runs: [plain], after: { mean: plain.after, std: 0 } } } })).toBeTruthy();
  });

  it('a seed may repeat across targets, not within one', () => {
    const b = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'm', higherIsBetter: true } });
    b.addRun('x', run(1, 'a', 0.5, 3)).addRun('x', run(1, 'b', 0.5, 3));
    expect(() => b.addRun('x', run(1, 'a', 0.4, 3))).toThrow(InvalidArgumentError);
    expect(() => b.addRun('x', run(1, 'a', 0.4, 3))).toThrow(/a seed not yet recorded for 'x' on target 'a'/);
  });

  it('splits by target and pairs runs by seed within a target', () => {
    const r = transferResult();
    expect(resultTargets(r)).toEqual(['a', 'b']);
    const a = resultForTarget(r, 'a');
    expect(a.methods['meta-trained']!.runs.map((x) => x.after)).toEqual([0.2, 0.21]);
    expect(a.methods['meta-trained']!.after.mean).toBeCloseTo(0.205, 12);
    expect(pairedComparison(a, 'meta-trained', 'fresh').meanGain).toBeCloseTo(0.01, 12);
    expect(pairedComparison(resultForTarget(r, 'b'), 'meta-trained', 'fresh')).toMatchObject({ wins: 0, losses: 2 });
    // Over both targets, runs pair by (seed, target): 4 pairs, not 2 overwritten ones.
    const pooled = pairedComparison(r, 'meta-trained', 'fresh');
    expect(pooled.seeds).toHaveLength(4);
    expect(pooled.meanGain).toBeCloseTo((0.01 + 0.01 - 0.02 - 0.02) / 4, 12);
  });

  it('the table has a row per target and method, steps to target as mean ± std, gains against the result\'s baseline', () => {
    const text = formatResultsTable(transferResult());
    const lines = text.split('\n');
    expect(lines[0]).toBe('transfer / a, b — balanced-error (lower is better), 2 seeds');
    expect(lines[1]).toMatch(/^target\s+method\s+before\s+after\s+gain vs fresh\s+W\/L\s+metric split\s+twin\s+steps to target\s+calls\s+wall s$/);
    expect(lines[2]).toMatch(/^a\s+fresh\s+0\.3000\s+0\.2150 ± 0\.0071\s+—\s+—\s+0\.2050\s+—\s+80\.0 ± 0\.0\s+91\s+1\.0$/);
    expect(lines[3]).toMatch(/^a\s+meta-trained\s+.*\+0\.0100 ± 0\.0000\s+2\/0\s+.*\s55\.0 ± 7\.1\s/);
    expect(lines[5]).toMatch(/^b\s+meta-trained\s+.*-0\.0200 ± 0\.0000\s+0\/2\s+.*\s100\.0 ± 0\.0\s/);
    const printed = formatTableAndComparison(transferResult());
    expect(printed).toContain('target a: paired vs fresh on test balanced-error over 2 seeds');
    expect(printed).toContain('target b: paired vs fresh');
  });
});
