import { meanStd, type BenchResult } from '../results.js';
import { readCurve } from './curve.js';

/** A curve summary at one step of one method: mean and sample std over the seeds that have the step. */
export interface CurveBandRow {
  method: string;
  step: number;
  mean: number;
  std: number;
  /** mean − std and mean + std: the drawn band. */
  lo: number;
  hi: number;
  seeds: number;
}

/** A method's final test metric: mean ± sample std of `after` over seeds, and the mean `before`. */
export interface FinalBarRow {
  method: string;
  mean: number;
  std: number;
  lo: number;
  hi: number;
  seeds: number;
  before: number;
}

/** One seed's final test metric (drawn as a dot over the bar). */
export interface FinalPointRow {
  method: string;
  seed: number;
  after: number;
}

/**
 * Per method and step, the mean and spread over seeds of the run curves (methods in result
 * order, steps ascending). Runs without a curve are skipped; no curves at all gives [].
 */
export function curveBands(result: BenchResult): CurveBandRow[] {
  const rows: CurveBandRow[] = [];
  for (const [method, m] of Object.entries(result.methods)) {
    const byStep = new Map<number, number[]>();
    for (const run of m.runs) {
      for (const p of readCurve(run) ?? []) {
        const list = byStep.get(p.step) ?? [];
        list.push(p.metric);
        byStep.set(p.step, list);
      }
    }
    for (const step of [...byStep.keys()].sort((a, b) => a - b)) {
      const values = byStep.get(step)!;
      const { mean, std } = meanStd(values);
      rows.push({ method, step, mean, std, lo: mean - std, hi: mean + std, seeds: values.length });
    }
  }
  return rows;
}

/** Per method, the final test metric's mean ± sample std over seeds and the mean `before` of its runs. */
export function finalBars(result: BenchResult): FinalBarRow[] {
  return Object.entries(result.methods).map(([method, m]) => {
    const { mean, std } = meanStd(m.runs.map((r) => r.after));
    const before = meanStd(m.runs.map((r) => r.before)).mean;
    return { method, mean, std, lo: mean - std, hi: mean + std, seeds: m.runs.length, before };
  });
}

/** Every run's final test metric, for the per-seed dots. */
export function finalPoints(result: BenchResult): FinalPointRow[] {
  return Object.entries(result.methods).flatMap(([method, m]) => m.runs.map((r) => ({ method, seed: r.seed, after: r.after })));
}

/** The mean `before` over every run of every method: the pretrained model's level. */
export function beforeLevel(result: BenchResult): number {
  return meanStd(Object.values(result.methods).flatMap((m) => m.runs.map((r) => r.before))).mean;
}

/** One seed's paired gain of a method over the baseline (positive = better), on the test metric. */
export interface GainPointRow {
  method: string;
  seed: number;
  gain: number;
}

/** Per method other than `baseline`, the per-seed paired gains on `after` (seeds both ran). */
export function gainPoints(result: BenchResult, baseline = 'loss'): GainPointRow[] {
  const base = result.methods[baseline];
  if (base === undefined) return [];
  const theirs = new Map(base.runs.map((r) => [r.seed, r.after]));
  const sign = result.metric.higherIsBetter ? 1 : -1;
  return Object.entries(result.methods)
    .filter(([method]) => method !== baseline)
    .flatMap(([method, m]) =>
      m.runs.flatMap((r) => {
        const b = theirs.get(r.seed);
        return b === undefined ? [] : [{ method, seed: r.seed, gain: sign * (r.after - b) }];
      }),
    );
}
