import { InvalidArgumentError, describe } from '@metricopt/core';

/**
 * Steps until a run's metric-split curve first reached `target` (at least as good: ≤ when lower is
 * better), i.e. the step of the first observation round whose centre metric did; `budget` when no
 * round did. The curve is the run's round-centre metrics (`curveFromHistory`), in step order.
 *
 * ```ts
 * stepsToTarget([{ step: 0, metric: 0.30 }, { step: 10, metric: 0.26 }, { step: 20, metric: 0.24 }], 0.25, false, 150);   // 20
 * ```
 */
export function stepsToTarget(curve: readonly { step: number; metric: number }[], target: number, higherIsBetter: boolean, budget: number): number {
  if (!Array.isArray(curve)) throw new InvalidArgumentError('stepsToTarget', 'curve', 'an array of {step, metric}', describe(curve));
  if (!Number.isFinite(target)) throw new InvalidArgumentError('stepsToTarget', 'target', 'a finite number', describe(target));
  if (!Number.isInteger(budget) || budget < 0) throw new InvalidArgumentError('stepsToTarget', 'budget', 'an integer ≥ 0', describe(budget));
  for (const point of curve) {
    if (higherIsBetter ? point.metric >= target : point.metric <= target) return Math.min(point.step, budget);
  }
  return budget;
}
