import type { BenchResult } from '../results.js';
import { formatResultsTable } from '../results-table.js';
import { formatPairedComparisons } from './paired-summary.js';

/** What a bench prints: the results table, then the paired comparison against `baseline` when there is one. */
export function formatTableAndComparison(results: BenchResult, baseline = 'loss'): string {
  const paired = formatPairedComparisons(results, baseline);
  return `${formatResultsTable(results, baseline)}\n${paired === '' ? '' : `\n${paired}\n`}`;
}

/** The results with the backend they ran on (`backend`, shown in reports), unless the task recorded one already. */
export function recordBackend(results: BenchResult, backend: string): BenchResult {
  return typeof results.backend === 'string' ? results : { ...results, backend };
}
