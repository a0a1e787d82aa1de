import { InvalidArgumentError } from '@metricopt/core';
import type { BenchResult, RunRecord } from './results.js';

/**
 * A method against a baseline over the seeds both ran. A gain is positive when the method is
 * better (lower `after` for a lower-is-better metric).
 */
export interface PairedComparison {
  method: string;
  baseline: string;
  /** Which per-run value was compared (default `after`, the test metric). */
  field: string;
  seeds: number[];
  /** Mean of the per-seed gains. */
  meanGain: number;
  /** Standard error of that mean: sample std (n − 1) / √n; null with fewer than two seeds. */
  standardError: number | null;
  wins: number;
  losses: number;
  ties: number;
}

/**
 * Pairs runs of `method` and `baseline` by seed.
 *
 * ```ts
 * pairedComparison(results, 'metricopt');  // { meanGain: 0.009, standardError: 0.002, wins: 5, losses: 0, ... }
 * ```
 */
export function pairedComparison(
  results: BenchResult,
  method: string,
  baseline = 'loss',
  field: keyof RunRecord & string = 'after',
): PairedComparison {
  const ours = runsOf(results, method);
  // Runs pair by seed, and by target in benches with several targets.
  const key = (r: RunRecord) => (r.target === undefined ? `${r.seed}` : `${r.seed}/${r.target}`);
  const theirs = new Map(runsOf(results, baseline).map((r) => [key(r), r]));
  const sign = results.metric.higherIsBetter ? 1 : -1;
  const seeds: number[] = [];
  const gains: number[] = [];
  for (const run of ours) {
    const other = theirs.get(key(run));
    const a = run[field];
    const b = other?.[field];
    if (typeof a !== 'number' || typeof b !== 'number') continue;
    seeds.push(run.seed);
    gains.push(sign * (a - b));
  }
  if (gains.length === 0) {
    throw new InvalidArgumentError('pairedComparison', 'method', `a method sharing seeds and '${field}' with '${baseline}'`, `'${method}'`);
  }
  const n = gains.length;
  const meanGain = gains.reduce((s, g) => s + g, 0) / n;
  const standardError = n < 2 ? null : Math.sqrt(gains.reduce((s, g) => s + (g - meanGain) ** 2, 0) / (n - 1) / n);
  return {
    method,
    baseline,
    field,
    seeds,
    meanGain,
    standardError,
    wins: gains.filter((g) => g > 0).length,
    losses: gains.filter((g) => g < 0).length,
    ties: gains.filter((g) => g === 0).length,
  };
}

function runsOf(results: BenchResult, method: string): RunRecord[] {
  const m = results.methods[method];
  if (m === undefined) {
    throw new InvalidArgumentError('pairedComparison', 'method', `one of ${Object.keys(results.methods).join(', ')}`, `'${method}'`);
  }
  return m.runs;
}
