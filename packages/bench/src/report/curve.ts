import { z } from 'zod';
import type { RunRecord } from '../results.js';

/** One point of a run's metric-vs-step curve: the metric-split metric at a round's centre. */
export interface CurvePoint {
  step: number;
  metric: number;
}

/** What `curveFromHistory` reads of finetune's `RoundRecord`s. */
export interface CurveRound {
  round: number;
  step: number;
  centreMetric: number;
}

/**
 * A run's curve from finetune's `history`: one point per observation round. With `roundEvery`
 * the x value is `round × roundEvery` instead of `step` — for `es`, whose steps count updates
 * (one per round), so its curve shares the x axis (the step budget) with the other methods.
 *
 * ```ts
 * record.curve = curveFromHistory(run.history);                       // [{ step: 0, metric: 0.31 }, { step: 10, metric: 0.30 }, ...]
 * record.curve = curveFromHistory(run.history, { roundEvery: 10 });   // es: x = round × 10
 * ```
 */
export function curveFromHistory(history: readonly CurveRound[], options: { roundEvery?: number } = {}): CurvePoint[] {
  const every = options.roundEvery;
  return history
    .filter((h) => Number.isFinite(h.centreMetric))
    .map((h) => ({ step: every === undefined ? h.step : h.round * every, metric: h.centreMetric }));
}

const curveSchema = z.array(z.object({ step: z.number().refine(Number.isFinite), metric: z.number().refine(Number.isFinite) }));

/** The run's `curve` when it has a well-formed one (results written before curves existed have none), else null. */
export function readCurve(run: RunRecord): CurvePoint[] | null {
  const parsed = curveSchema.safeParse(run.curve);
  return parsed.success && parsed.data.length > 0 ? parsed.data : null;
}
