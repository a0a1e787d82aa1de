import type { ObservationRound, ParamLayout } from '@metricopt/core';
import type { BenchReporter } from './reporter.js';

/** One planned run of a trajectory source: its name and everything it depends on. */
export interface TrajectoryRunPlan {
  /** Unique within the source's plan (e.g. 'run-3'). */
  name: string;
  /** What the run depends on (JSON): its hash is part of the file name, so a changed plan is collected anew. */
  settings: Record<string, unknown>;
}

/** Where a run's trajectory goes: `start` once φ exists, then every observation round as finetune reports it. */
export interface TrajectorySink {
  start(info: { dataset: string; backbone: string; layout: ParamLayout }): Promise<void>;
  /** Called from finetune's onRound (synchronous); the writes are awaited when the run ends. */
  round(round: ObservationRound): void;
}

/**
 * A bench task's hook for meta-training (`metricopt meta-train --tasks ...`): a deterministic plan
 * of varied finetuning runs (loss-only and exploratory modes, seeds, learning rates, data subsets,
 * backbones) and a way to perform one, streaming its observation rounds.
 *
 * ```ts
 * const plan = syntheticTrajectories.plan(8, 1);          // 8 runs from seed 1
 * const summary = await syntheticTrajectories.collect(plan[0], sink, reporter);
 * ```
 */
export interface TrajectorySource {
  readonly task: string;
  /** The metric every run observes (one meta-trained net learns one metric). */
  readonly metric: { name: string; higherIsBetter: boolean };
  /** `runs` runs from `seed`; run i's settings do not depend on `runs`, so a longer plan extends a shorter one. */
  plan(runs: number, seed: number): TrajectoryRunPlan[];
  /** Performs one planned run into `sink`; resolves to a summary kept in the trajectory's end line. */
  collect(run: TrajectoryRunPlan, sink: TrajectorySink, reporter: BenchReporter): Promise<Record<string, unknown>>;
}
