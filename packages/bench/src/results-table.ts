import { pairedComparison } from './paired-comparison.js';
import { meanStd, type BenchResult, type RunRecord } from './results.js';

/**
 * A plain-text table of a BenchResult, one row per method: the test metric before and after
 * (mean ± std over seeds), the paired gain against `baseline` (positive = better), wins/losses,
 * the metric-split and twin metrics after, metric calls and wall time.
 *
 * ```
 * synthetic / long-tailed — balanced-error (lower is better), 5 seeds
 * method     before  after            gain vs loss       W/L  metric split  twin    calls  wall s
 * loss       0.3012  0.2874 ± 0.0041  —                  —    0.2811        0.2902  270    1.9
 * ```
 */
export function formatResultsTable(results: BenchResult, baseline = 'loss'): string {
  const methods = Object.keys(results.methods);
  const seeds = new Set(methods.flatMap((m) => results.methods[m]!.runs.map((r) => r.seed)));
  const direction = results.metric.higherIsBetter ? 'higher is better' : 'lower is better';
  const title = `${results.task} / ${results.dataset} — ${results.metric.name} (${direction}), ${seeds.size} seed${seeds.size === 1 ? '' : 's'}`;
  const header = ['method', 'before', 'after', `gain vs ${baseline}`, 'W/L', 'metric split', 'twin', 'calls', 'wall s'];
  const rows = methods.map((name) => {
    const m = results.methods[name]!;
    const gain = name === baseline || results.methods[baseline] === undefined ? null : pairedComparison(results, name, baseline);
    return [
      name,
      fmt(mean(m.runs, 'before')),
      `${fmt(m.after.mean)} ± ${fmt(m.after.std)}`,
      gain === null ? '—' : `${signed(gain.meanGain)}${gain.standardError === null ? '' : ` ± ${fmt(gain.standardError)}`}`,
      gain === null ? '—' : `${gain.wins}/${gain.losses}`,
      fmt(mean(m.runs, 'metricSplitAfter')),
      fmt(mean(m.runs, 'twinAfter')),
      fmt(mean(m.runs, 'metricCalls'), 0),
      fmt(mean(m.runs, 'wallSeconds'), 1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [title, line(header), ...rows.map(line)].join('\n');
}

function mean(runs: RunRecord[], field: string): number | null {
  const values = runs.map((r) => r[field]).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? null : meanStd(values).mean;
}

function fmt(v: number | null, digits = 4): string {
  return v === null ? '—' : v.toFixed(digits);
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;
}
