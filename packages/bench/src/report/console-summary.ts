import type { BenchResult } from '../results.js';
import { formatResultsTable } from '../results-table.js';
import { resultForTarget, resultTargets } from '../results-targets.js';
import { formatPairedComparisons } from './paired-summary.js';

/**
 * What a bench prints: the results table, then the paired comparison against `baseline` (default:
 * the result's own, else `loss`) when there is one — one per target for a bench with several.
 */
export function formatTableAndComparison(results: BenchResult, baseline = results.baseline ?? 'loss'): string {
  const targets = resultTargets(results);
  const paired = targets.length === 0
    ? formatPairedComparisons(results, baseline)
    : targets
      .map((t) => {
        const text = formatPairedComparisons(resultForTarget(results, t), baseline);
        return text === '' ? '' : `target ${t}: ${text}`;
      })
      .filter((text) => text !== '')
      .join('\n\n');
  return `${formatResultsTable(results, baseline)}\n${paired === '' ? '' : `\n${paired}\n`}`;
}

/** The results with the backend they ran on (`backend`, shown in reports), unless the task recorded one already. */
export function recordBackend(results: BenchResult, backend: string): BenchResult {
  return typeof results.backend === 'string' ? results : { ...results, backend };
}
