import { describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { pairedComparison } from './paired-comparison.js';
import { ResultsBuilder, meanStd, validateBenchResult, type RunRecord } from './results.js';
import { formatResultsTable } from './results-table.js';

const header = { task: 'synthetic', dataset: 'long-tailed', metric: { name: 'balanced-error', higherIsBetter: false } };

function run(seed: number, after: number, extra: Partial<RunRecord> = {}): RunRecord {
  return { seed, before: 0.3, after, steps: 300, metricCalls: 270, wallSeconds: 2, ...extra };
}

describe('ResultsBuilder', () => {
  it('builds the schema with mean and sample std of after', () => {
    const r = new ResultsBuilder(header)
      .addRun('loss', run(1, 0.2))
      .addRun('loss', run(2, 0.3))
      .addRun('loss', run(3, 0.4))
      .addRun('metricopt', run(1, 0.25, { twinAfter: 0.26, tauMean: 0.2, trustMean: 0.5, extraField: 'kept' }))
      .build();
    expect(r.task).toBe('synthetic');
    expect(r.metric).toEqual({ name: 'balanced-error', higherIsBetter: false });
    expect(Object.keys(r.methods)).toEqual(['loss', 'metricopt']);
    expect(r.methods.loss!.after.mean).toBeCloseTo(0.3, 12);
    // sample std of 0.2, 0.3, 0.4: sqrt((0.01 + 0 + 0.01) / 2) = 0.1
    expect(r.methods.loss!.after.std).toBeCloseTo(0.1, 12);
    expect(r.methods.metricopt!.after).toEqual({ mean: 0.25, std: 0 });
    expect(r.methods.metricopt!.runs[0]!.extraField).toBe('kept');
    expect(validateBenchResult(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('rejects a malformed run and a repeated seed', () => {
    const b = new ResultsBuilder(header);
    expect(() => b.addRun('loss', { ...run(1, 0.2), after: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => b.addRun('loss', { ...run(1, 0.2), steps: -1 })).toThrow(InvalidArgumentError);
    b.addRun('loss', run(1, 0.2));
    expect(() => b.addRun('loss', run(1, 0.3))).toThrow(/seed/);
  });

  it('validateBenchResult names what is wrong', () => {
    expect(() => validateBenchResult({ task: 'x', dataset: 'd', metric: { name: 'm', higherIsBetter: 'no' }, methods: {} })).toThrow(
      FormatError,
    );
    expect(() => validateBenchResult({ task: 'x', dataset: 'd', metric: { name: 'm', higherIsBetter: true }, methods: { a: { runs: [] } } }))
      .toThrow(/methods\.a/);
  });

  it('meanStd matches a hand computation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(() => meanStd([])).toThrow(InvalidArgumentError);
  });
});

describe('pairedComparison', () => {
  // loss: 0.30 0.28 0.25 | method: 0.27 0.29 0.20 → gains (lower is better) 0.03, -0.01, 0.05
  const results = new ResultsBuilder(header)
    .addRun('loss', run(1, 0.3))
    .addRun('loss', run(2, 0.28))
    .addRun('loss', run(3, 0.25))
    .addRun('m', run(3, 0.2))
    .addRun('m', run(1, 0.27))
    .addRun('m', run(2, 0.29))
    .addRun('m', run(4, 0.1))
    .build();

  it('pairs by seed and reports mean gain, standard error and wins', () => {
    const c = pairedComparison(results, 'm');
    expect(c.seeds).toEqual([3, 1, 2]);
    expect(c.meanGain).toBeCloseTo(0.07 / 3, 12);
    const gains = [0.05, 0.03, -0.01];
    const mean = 0.07 / 3;
    const se = Math.sqrt(gains.reduce((s, g) => s + (g - mean) ** 2, 0) / 2 / 3);
    expect(c.standardError).toBeCloseTo(se, 12);
    expect([c.wins, c.losses, c.ties]).toEqual([2, 1, 0]);
  });

  it('flips the sign for a higher-is-better metric', () => {
    const up = { ...results, metric: { name: 'accuracy', higherIsBetter: true } };
    expect(pairedComparison(up, 'm').meanGain).toBeCloseTo(-0.07 / 3, 12);
  });

  it('compares another field and has no standard error for one pair', () => {
    const r = new ResultsBuilder(header).addRun('loss', run(1, 0.3, { twinAfter: 0.31 })).addRun('m', run(1, 0.2, { twinAfter: 0.33 })).build();
    const c = pairedComparison(r, 'm', 'loss', 'twinAfter');
    expect(c.meanGain).toBeCloseTo(-0.02, 12);
    expect(c.standardError).toBeNull();
  });

  it('rejects an unknown method with the known ones', () => {
    expect(() => pairedComparison(results, 'nope')).toThrow(/loss, m/);
  });
});

describe('formatResultsTable', () => {
  it('prints one row per method with gains against loss', () => {
    const text = formatResultsTable(
      new ResultsBuilder(header).addRun('loss', run(1, 0.3)).addRun('loss', run(2, 0.28)).addRun('m', run(1, 0.27)).addRun('m', run(2, 0.29)).build(),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('synthetic / long-tailed — balanced-error (lower is better), 2 seeds');
    expect(lines[1]).toMatch(/^method\s+before\s+after\s+gain vs loss\s+W\/L/);
    expect(lines[2]).toMatch(/^loss\s+0\.3000\s+0\.2900 ± 0\.0141\s+—/);
    // gains 0.03 and -0.01: mean +0.0100, se 0.02
    expect(lines[3]).toMatch(/^m\s+0\.3000\s+0\.2800 ± 0\.0141\s+\+0\.0100 ± 0\.0200\s+1\/1/);
  });
});
