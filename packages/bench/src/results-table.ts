import { pairedComparison } from './paired-comparison.js';
import { meanStd, type BenchResult, type RunRecord } from './results.js';
import { resultForTarget, resultTargets } from './results-targets.js';

/**
 * A plain-text table of a BenchResult, one row per method: the test metric before and after
 * (mean ± std over seeds), the paired gain against `baseline` (positive = better; default the
 * result's own `baseline`, else `loss`), wins/losses, the metric-split and twin metrics after,
 * steps to target (when runs record it), metric calls and wall time. A result whose runs name
 * several targets gets one row per target and method, gains paired within the target.
 *
 * ```
 * synthetic / long-tailed — balanced-error (lower is better), 5 seeds
 * method     before  after            gain vs loss       W/L  metric split  twin    calls  wall s
 * loss       0.3012  0.2874 ± 0.0041  —                  —    0.2811        0.2902  270    1.9
 * ```
 */
export function formatResultsTable(results: BenchResult, baseline = results.baseline ?? 'loss'): string {
  const targets = resultTargets(results);
  const parts = targets.length === 0 ? [{ target: null, result: results }] : targets.map((t) => ({ target: t, result: resultForTarget(results, t) }));
  const allRuns = Object.values(results.methods).flatMap((m) => m.runs);
  const seeds = new Set(allRuns.map((r) => r.seed));
  const withSteps = allRuns.some((r) => typeof r.stepsToTarget === 'number');
  const direction = results.metric.higherIsBetter ? 'higher is better' : 'lower is better';
  const title = `${results.task} / ${results.dataset} — ${results.metric.name} (${direction}), ${seeds.size} seed${seeds.size === 1 ? '' : 's'}`;
  const header = [
    ...(targets.length > 0 ? ['target'] : []),
    'method', 'before', 'after', `gain vs ${baseline}`, 'W/L', 'metric split', 'twin',
    ...(withSteps ? ['steps to target'] : []),
    'calls', 'wall s',
  ];
  const rows = parts.flatMap(({ target, result }) =>
    Object.keys(result.methods).map((name) => {
      const m = result.methods[name]!;
      const gain = name === baseline || result.methods[baseline] === undefined ? null : pairedComparison(result, name, baseline);
      const steps = numbers(m.runs, 'stepsToTarget');
      return [
        ...(target !== null ? [target] : []),
        name,
        fmt(mean(m.runs, 'before')),
        `${fmt(m.after.mean)} ± ${fmt(m.after.std)}`,
        gain === null ? '—' : `${signed(gain.meanGain)}${gain.standardError === null ? '' : ` ± ${fmt(gain.standardError)}`}`,
        gain === null ? '—' : `${gain.wins}/${gain.losses}`,
        fmt(mean(m.runs, 'metricSplitAfter')),
        fmt(mean(m.runs, 'twinAfter')),
        ...(withSteps ? [steps.length === 0 ? '—' : `${fmt(meanStd(steps).mean, 1)} ± ${fmt(meanStd(steps).std, 1)}`] : []),
        fmt(mean(m.runs, 'metricCalls'), 0),
        fmt(mean(m.runs, 'wallSeconds'), 1),
      ];
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [title, line(header), ...rows.map(line)].join('\n');
}

function numbers(runs: RunRecord[], field: string): number[] {
  return runs.map((r) => r[field]).filter((v): v is number => typeof v === 'number');
}

function mean(runs: RunRecord[], field: string): number | null {
  const values = numbers(runs, field);
  return values.length === 0 ? null : meanStd(values).mean;
}

function fmt(v: number | null, digits = 4): string {
  return v === null ? '—' : v.toFixed(digits);
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;
}
