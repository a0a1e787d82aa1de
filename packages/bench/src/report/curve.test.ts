import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../results.js';
import { curveFromHistory, readCurve } from './curve.js';

const history = [
  { round: 0, step: 0, centreMetric: 0.4, tau: null, trust: 0 },
  { round: 1, step: 1, centreMetric: 0.35, tau: 0.2, trust: 0.5 },
  { round: 2, step: 2, centreMetric: Number.NaN, tau: null, trust: 0 },
  { round: 3, step: 3, centreMetric: 0.3, tau: 0.4, trust: 0.7 },
];

describe('curveFromHistory', () => {
  it('takes one point per round at its step, dropping non-finite metrics', () => {
    expect(curveFromHistory(history)).toEqual([
      { step: 0, metric: 0.4 },
      { step: 1, metric: 0.35 },
      { step: 3, metric: 0.3 },
    ]);
  });

  it('places rounds at round × roundEvery when given (es counts updates, not steps)', () => {
    expect(curveFromHistory(history, { roundEvery: 10 }).map((p) => p.step)).toEqual([0, 10, 30]);
  });
});

describe('readCurve', () => {
  const run: RunRecord = { seed: 1, before: 0.5, after: 0.4, steps: 10, metricCalls: 3, wallSeconds: 1 };

  it('reads a well-formed curve', () => {
    expect(readCurve({ ...run, curve: [{ step: 0, metric: 0.5 }] })).toEqual([{ step: 0, metric: 0.5 }]);
  });

  it('is null without a curve, with an empty one, or a malformed one', () => {
    expect(readCurve(run)).toBeNull();
    expect(readCurve({ ...run, curve: [] })).toBeNull();
    expect(readCurve({ ...run, curve: [{ step: 'a', metric: 1 }] })).toBeNull();
    expect(readCurve({ ...run, curve: 'x' })).toBeNull();
  });
});
