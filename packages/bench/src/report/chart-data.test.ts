import { describe, expect, it } from 'vitest';
import { beforeLevel, curveBands, finalBars, finalPoints, gainPoints } from './chart-data.js';
import { curveChartSpec, finalChartSpec, gainChartSpec, type CurvePanelRow } from './chart-specs.js';
import { handResult } from './hand-result.fixture.js';

// sample std of two values a, b: |a − b| / √2
const std2 = (a: number, b: number) => Math.abs(a - b) / Math.SQRT2;

describe('curveBands', () => {
  it('gives per method and step the mean and sample std over the seeds that have the step', () => {
    const rows = curveBands(handResult());
    expect(rows.map((r) => [r.method, r.step, r.seeds])).toEqual([
      ['loss', 0, 2],
      ['loss', 10, 2],
      ['metricopt', 0, 1],
      ['metricopt', 10, 1],
      ['metricopt', 20, 1],
    ]);
    const loss10 = rows[1]!;
    expect(loss10.mean).toBeCloseTo(0.27, 12);
    expect(loss10.std).toBeCloseTo(std2(0.28, 0.26), 12);
    expect(loss10.lo).toBeCloseTo(0.27 - std2(0.28, 0.26), 12);
    expect(loss10.hi).toBeCloseTo(0.27 + std2(0.28, 0.26), 12);
    expect(rows[0]!.mean).toBeCloseTo(0.31, 12);
    expect(rows[4]).toMatchObject({ mean: 0.25, std: 0, lo: 0.25, hi: 0.25 });
  });

  it('is empty when no run has a curve', () => {
    expect(curveBands(handResult({ curves: false }))).toEqual([]);
  });
});

describe('finalBars, finalPoints, gainPoints, beforeLevel', () => {
  it('computes mean ± std of after and the mean before per method', () => {
    const [loss, mo] = finalBars(handResult());
    expect(loss!.method).toBe('loss');
    expect(loss!.mean).toBeCloseTo(0.27, 12);
    expect(loss!.std).toBeCloseTo(std2(0.28, 0.26), 12);
    expect(loss!.before).toBeCloseTo(0.31, 12);
    expect(mo!.mean).toBeCloseTo(0.255, 12);
    expect(mo!.std).toBeCloseTo(std2(0.27, 0.24), 12);
    expect(mo!.lo).toBeCloseTo(0.255 - std2(0.27, 0.24), 12);
    expect(beforeLevel(handResult())).toBeCloseTo(0.31, 12);
    expect(finalPoints(handResult())).toHaveLength(4);
  });

  it('pairs gains by seed with the sign of "better" (lower is better here)', () => {
    const gains = gainPoints(handResult());
    expect(gains.map((g) => [g.method, g.seed])).toEqual([
      ['metricopt', 1],
      ['metricopt', 2],
    ]);
    expect(gains[0]!.gain).toBeCloseTo(0.28 - 0.27, 12);
    expect(gains[1]!.gain).toBeCloseTo(0.26 - 0.24, 12);
    expect(gainPoints(handResult(), 'nope')).toEqual([]);
  });
});

describe('chart specs', () => {
  it('carry the computed rows as inline data', () => {
    const curve = curveChartSpec(handResult()) as unknown as { data: { values: CurvePanelRow[] } };
    const bands = curveBands(handResult());
    const own = curve.data.values.filter((r) => r.role === 'method');
    expect(own.every((r) => r.panel === r.method)).toBe(true);
    expect(own.map(({ panel: _panel, role: _role, ...row }) => row)).toEqual(bands);
    // the loss curve is repeated, for reference, in the metricopt panel only
    const reference = curve.data.values.filter((r) => r.role === 'baseline');
    expect(reference.map((r) => [r.panel, r.method, r.step])).toEqual([
      ['metricopt', 'loss', 0],
      ['metricopt', 'loss', 10],
    ]);
    const final = finalChartSpec(handResult()) as unknown as { layer: { data: { values: unknown[] } }[] };
    expect(final.layer[0]!.data.values).toEqual(finalBars(handResult()));
    expect(final.layer[3]!.data.values).toEqual([{ before: beforeLevel(handResult()) }]);
    const gains = gainChartSpec(handResult()) as unknown as { layer: { data: { values: { meanGain?: number; lo?: number; hi?: number }[] } }[] };
    const summary = gains.layer[2]!.data.values[0]!;
    // gains 0.01 and 0.02: mean 0.015, SE = std / √2 = 0.005
    expect(summary.meanGain).toBeCloseTo(0.015, 12);
    expect(summary.lo).toBeCloseTo(0.01, 12);
    expect(summary.hi).toBeCloseTo(0.02, 12);
  });

  it('has no curve chart without curves and no gain chart without a baseline', () => {
    expect(curveChartSpec(handResult({ curves: false }))).toBeNull();
    expect(gainChartSpec(handResult(), 'nope')).toBeNull();
  });
});
