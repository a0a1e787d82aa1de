import { describe, expect, it } from 'vitest';
import { ResultsBuilder } from '../results.js';
import { formatTableAndComparison, recordBackend } from './console-summary.js';
import { handResult } from './hand-result.fixture.js';
import { formatPairedComparisons, pairedComparisons } from './paired-summary.js';

describe('formatPairedComparisons', () => {
  it('prints mean gain ± SE, wins/losses/ties and the twin gain per method', () => {
    const text = formatPairedComparisons(handResult());
    // test gains 0.01, 0.02 → +0.0150 ± 0.0050; twin gains 0.005, 0.01 → +0.0075 ± 0.0025
    expect(text).toContain('paired vs loss on test balanced-error over 2 seeds');
    expect(text).toMatch(/metricopt\s+\+0\.0150 ± 0\.0050\s+2\/0\/0\s+\+0\.0075 ± 0\.0025/);
  });

  it('is empty without the baseline or with the baseline alone', () => {
    expect(formatPairedComparisons(handResult(), 'nope')).toBe('');
    const alone = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'm', higherIsBetter: true } })
      .addRun('loss', { seed: 1, before: 0.5, after: 0.6, steps: 1, metricCalls: 1, wallSeconds: 0 })
      .build();
    expect(formatPairedComparisons(alone)).toBe('');
    expect(pairedComparisons(alone)).toEqual([]);
  });

  it('shows no standard error with one seed, and counts a loss', () => {
    const one = new ResultsBuilder({ task: 't', dataset: 'd', metric: { name: 'acc', higherIsBetter: true } })
      .addRun('loss', { seed: 1, before: 0.5, after: 0.6, steps: 1, metricCalls: 1, wallSeconds: 0 })
      .addRun('es', { seed: 1, before: 0.5, after: 0.55, steps: 1, metricCalls: 1, wallSeconds: 0 })
      .build();
    expect(formatPairedComparisons(one)).toMatch(/es\s+-0\.0500\s+0\/1\/0$/m);
  });
});

describe('formatTableAndComparison, recordBackend', () => {
  it('prints the paired comparison under the table', () => {
    const text = formatTableAndComparison(handResult());
    expect(text.indexOf('paired vs loss')).toBeGreaterThan(text.indexOf('metricopt'));
    expect(text.endsWith('\n')).toBe(true);
  });

  it('adds the backend unless the results have one', () => {
    expect(recordBackend(handResult(), 'wasm').backend).toBe('wasm');
    expect(recordBackend({ ...handResult(), backend: 'cpu' }, 'wasm').backend).toBe('cpu');
  });
});
