import { pairedComparison, type PairedComparison } from '../paired-comparison.js';
import type { BenchResult } from '../results.js';

/** Every method but `baseline` paired with it on the test metric (`after`); [] when the baseline did not run. */
export function pairedComparisons(result: BenchResult, baseline = 'loss', field = 'after'): PairedComparison[] {
  if (result.methods[baseline] === undefined) return [];
  return Object.keys(result.methods)
    .filter((m) => m !== baseline)
    .flatMap((m) => {
      const runs = result.methods[m]!.runs;
      const shared = runs.some((r) => typeof r[field] === 'number' && result.methods[baseline]!.runs.some((b) => b.seed === r.seed && typeof b[field] === 'number'));
      return shared ? [pairedComparison(result, m, baseline, field)] : [];
    });
}

/** `+0.0091 ± 0.0020`, or `+0.0091` with one seed (no standard error). */
export function formatGain(p: PairedComparison, digits = 4): string {
  const gain = `${p.meanGain >= 0 ? '+' : ''}${p.meanGain.toFixed(digits)}`;
  return p.standardError === null ? gain : `${gain} ± ${p.standardError.toFixed(digits)}`;
}

/**
 * The paired comparison printed under a results table: per method, the mean gain over
 * `baseline` on the test metric ± its standard error, wins/losses/ties over seeds, and the same
 * gain on the twin split when the runs have one (a gain that holds there is not split noise).
 * Empty when there is nothing to compare.
 *
 * ```
 * paired vs loss on test balanced-error over 5 seeds (gain > 0 = better; ± standard error):
 * method     test gain          wins/losses/ties  twin gain
 * metricopt  +0.0091 ± 0.0020   5/0/0             +0.0083 ± 0.0018
 * ```
 */
export function formatPairedComparisons(result: BenchResult, baseline = 'loss'): string {
  const tests = pairedComparisons(result, baseline);
  if (tests.length === 0) return '';
  const twins = new Map(pairedComparisons(result, baseline, 'twinAfter').map((p) => [p.method, p]));
  const seedCounts = [...new Set(tests.map((p) => p.seeds.length))];
  const seedText = seedCounts.length === 1 ? `${seedCounts[0]} seed${seedCounts[0] === 1 ? '' : 's'}` : 'seeds both ran';
  const title = `paired vs ${baseline} on test ${result.metric.name} over ${seedText} (gain > 0 = better; ± standard error):`;
  const header = ['method', 'test gain', 'wins/losses/ties', ...(twins.size > 0 ? ['twin gain'] : [])];
  const rows = tests.map((p) => {
    const twin = twins.get(p.method);
    return [p.method, formatGain(p), `${p.wins}/${p.losses}/${p.ties}`, ...(twins.size > 0 ? [twin === undefined ? '—' : formatGain(twin)] : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [title, line(header), ...rows.map(line)].join('\n');
}
