import type { TopLevelSpec } from 'vega-lite';
import type { BenchResult } from '../results.js';
import { pairedComparisons } from './paired-summary.js';
import { beforeLevel, curveBands, finalBars, finalPoints, gainPoints, type CurveBandRow } from './chart-data.js';

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
/** Row height of the horizontal charts (one row per method). */
const ROW = 30;

/** Shared look: one font, white background, titles on the left. */
function look(title: string | string[], subtitle: string[]) {
  return {
    background: 'white',
    padding: 8,
    title: { text: title, subtitle, anchor: 'start' as const, fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
    config: {
      font: FONT,
      axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 240 },
      header: { labelFontSize: 12, labelFontWeight: 'bold' as const },
      view: { stroke: '#ddd' },
    },
  };
}

/** The method colour, identical in every chart (the domain is the result's method order); no legend: axes and panels name methods. */
function colour(methods: string[]) {
  return { field: 'method', type: 'nominal' as const, scale: { domain: methods, scheme: 'tableau10' }, legend: null };
}

function direction(result: BenchResult): string {
  return result.metric.higherIsBetter ? 'higher is better' : 'lower is better';
}

/** A curve row placed in a panel: its method's own (`method`) or the baseline drawn for reference (`baseline`). */
export interface CurvePanelRow extends CurveBandRow {
  panel: string;
  role: 'method' | 'baseline';
}

/** Every method's curve rows in its own panel, plus the baseline's rows in every other panel. */
export function curvePanelRows(result: BenchResult, baseline = 'loss'): CurvePanelRow[] {
  const rows = curveBands(result);
  const reference = rows.filter((r) => r.method === baseline);
  const methods = [...new Set(rows.map((r) => r.method))];
  return methods.flatMap((panel) => [
    ...rows.filter((r) => r.method === panel).map((r) => ({ ...r, panel, role: 'method' as const })),
    ...(panel === baseline ? [] : reference.map((r) => ({ ...r, panel, role: 'baseline' as const }))),
  ]);
}

/**
 * Metric-vs-step curves, one panel per method: the mean over seeds (line) and mean ± std (band)
 * of the metric-split metric at each round's centre, with the baseline's mean dashed in grey
 * for reference. Null when no run has a curve.
 */
export function curveChartSpec(result: BenchResult, baseline = 'loss'): TopLevelSpec | null {
  const values = curvePanelRows(result, baseline);
  if (values.length === 0) return null;
  const methods = Object.keys(result.methods);
  const panels = methods.filter((m) => values.some((r) => r.panel === m));
  const hasReference = values.some((r) => r.role === 'baseline');
  const x = { field: 'step', type: 'quantitative' as const, title: 'finetune step' };
  const y = { type: 'quantitative' as const, title: result.metric.name, scale: { zero: false } };
  const perPanel = Math.max(...panels.map((p) => values.filter((r) => r.panel === p && r.role === 'method').length));
  const only = (role: string) => [{ filter: `datum.role === '${role}'` }];
  return {
    ...look(`${result.metric.name} during finetuning (${direction(result)})`, [
      'metric split, at each observation round’s centre; line: mean over seeds, band: ± 1 std',
      ...(hasReference ? [`dashed grey: ${baseline}, for reference`] : []),
    ]),
    data: { values },
    columns: Math.min(3, panels.length),
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null },
    spec: {
      width: 250,
      height: 150,
      layer: [
        ...(hasReference
          ? [{ transform: only('baseline'), mark: { type: 'line' as const, color: '#888', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x, y: { field: 'mean', ...y } } }]
          : []),
        { transform: only('method'), mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color: colour(methods) } },
        {
          transform: only('method'),
          mark: { type: 'line', strokeWidth: 2, point: perPanel <= 30 },
          encoding: { x, y: { field: 'mean', ...y }, color: colour(methods) },
        },
      ],
    },
  } as TopLevelSpec;
}

/**
 * Final test metric per method, one row each: bars at the mean over seeds (from zero), error
 * bars at ± std, one dot per seed, and a dashed line at the pretrained model's level (`before`).
 */
export function finalChartSpec(result: BenchResult): TopLevelSpec {
  const methods = Object.keys(result.methods);
  const before = beforeLevel(result);
  const y = { field: 'method', type: 'nominal' as const, title: null, sort: methods };
  const x = { type: 'quantitative' as const, title: `test ${result.metric.name}` };
  return {
    ...look(
      [`test ${result.metric.name} after finetuning`, `(${direction(result)})`],
      ['bar: mean over seeds, error bar: ± 1 std, dots: seeds', `dashed: before finetuning (${before.toFixed(4)})`],
    ),
    width: 300,
    height: ROW * methods.length,
    layer: [
      { data: { values: finalBars(result) }, mark: { type: 'bar', opacity: 0.85, height: { band: 0.65 } }, encoding: { y, x: { field: 'mean', ...x }, color: colour(methods) } },
      {
        data: { values: finalBars(result) },
        mark: { type: 'errorbar', ticks: true, size: 12, thickness: 1.5, color: '#222' },
        encoding: { y, x: { field: 'lo', ...x }, x2: { field: 'hi' } },
      },
      { data: { values: finalPoints(result) }, mark: { type: 'point', filled: true, color: '#222', size: 24, opacity: 0.7 }, encoding: { y, x: { field: 'after', ...x } } },
      { data: { values: [{ before }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#555', strokeWidth: 1.5 }, encoding: { x: { field: 'before', ...x } } },
    ],
  } as TopLevelSpec;
}

/**
 * Paired gains over `baseline` (positive = better), one row per other method: the mean gain
 * with ± standard-error bars, a dot per seed, and a line at zero. Null without the baseline or
 * another method.
 */
export function gainChartSpec(result: BenchResult, baseline = 'loss'): TopLevelSpec | null {
  const summary = pairedComparisons(result, baseline).map((p) => ({
    method: p.method,
    meanGain: p.meanGain,
    lo: p.meanGain - (p.standardError ?? 0),
    hi: p.meanGain + (p.standardError ?? 0),
  }));
  if (summary.length === 0) return null;
  const methods = Object.keys(result.methods);
  const y = { field: 'method', type: 'nominal' as const, title: null, sort: summary.map((s) => s.method) };
  const x = { type: 'quantitative' as const, title: `gain in test ${result.metric.name}` };
  return {
    ...look(
      [`paired gain over ${baseline}`, `(positive = better)`],
      ['large dot: mean gain over seeds', 'error bar: ± 1 standard error, small dots: seeds'],
    ),
    width: 300,
    height: ROW * summary.length,
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#555', strokeDash: [6, 4] }, encoding: { x: { field: 'zero', ...x } } },
      { data: { values: gainPoints(result, baseline) }, mark: { type: 'point', filled: true, size: 30, opacity: 0.6 }, encoding: { y, x: { field: 'gain', ...x }, color: colour(methods) } },
      { data: { values: summary }, mark: { type: 'errorbar', ticks: true, size: 12, thickness: 1.5, color: '#222' }, encoding: { y, x: { field: 'lo', ...x }, x2: { field: 'hi' } } },
      { data: { values: summary }, mark: { type: 'point', filled: true, size: 90, color: '#222' }, encoding: { y, x: { field: 'meanGain', ...x } } },
    ],
  } as TopLevelSpec;
}
