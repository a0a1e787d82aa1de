import { ResultsBuilder, type BenchResult } from '../results.js';

/**
 * A hand-made two-method, two-seed result (lower is better) with curves on some runs:
 *   loss      seed 1: before 0.30, after 0.28, curve (0, 0.30) (10, 0.28)
 *             seed 2: before 0.32, after 0.26, curve (0, 0.32) (10, 0.26)
 *   metricopt seed 1: before 0.30, after 0.27, curve (0, 0.30) (10, 0.27) (20, 0.25)
 *             seed 2: before 0.32, after 0.24, no curve
 */
export function handResult(options: { curves?: boolean } = {}): BenchResult {
  const curves = options.curves ?? true;
  const c = (points: [number, number][]) => (curves ? { curve: points.map(([step, metric]) => ({ step, metric })) } : {});
  return new ResultsBuilder({
    task: 'synthetic',
    dataset: 'long-tailed',
    metric: { name: 'balanced-error', higherIsBetter: false },
    settings: { steps: 20, seeds: [1, 2], knobs: { sigma: 0.05 }, note: '<b>escaped</b>' },
  })
    .addRun('loss', { seed: 1, before: 0.3, after: 0.28, steps: 20, metricCalls: 22, wallSeconds: 1.25, twinAfter: 0.29, ...c([[0, 0.3], [10, 0.28]]) })
    .addRun('loss', { seed: 2, before: 0.32, after: 0.26, steps: 20, metricCalls: 22, wallSeconds: 1.35, twinAfter: 0.27, ...c([[0, 0.32], [10, 0.26]]) })
    .addRun('metricopt', { seed: 1, before: 0.3, after: 0.27, steps: 20, metricCalls: 66, wallSeconds: 2.5, twinAfter: 0.285, ...c([[0, 0.3], [10, 0.27], [20, 0.25]]) })
    .addRun('metricopt', { seed: 2, before: 0.32, after: 0.24, steps: 20, metricCalls: 66, wallSeconds: 2.7, twinAfter: 0.26 })
    .build();
}
