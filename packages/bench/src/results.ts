import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { z } from 'zod';

/** Where a run's wall time went (seconds): metric calls, the value function, the frozen trunk's features. */
export interface RunTimings {
  metricSeconds: number;
  valueSeconds: number;
  trunkSeconds: number;
}

/** One finetune of one method from one seed. Extra fields are welcome. */
export interface RunRecord {
  seed: number;
  /** Test-split metric of the starting (pretrained) model. */
  before: number;
  /** Test-split metric after finetuning. */
  after: number;
  steps: number;
  metricCalls: number;
  wallSeconds: number;
  /** Metric-split metric after finetuning (the split the method observed). */
  metricSplitAfter?: number;
  /** Metric after finetuning on a twin of the metric split: drawn the same way, never observed. */
  twinAfter?: number;
  /** MetricOpt's mean out-of-sample Kendall τ and trust (null when the method has no value function). */
  tauMean?: number | null;
  trustMean?: number | null;
  timings?: RunTimings;
  /** Steps until the metric split first reached a target metric (e.g. loss-only's final one); the step budget if never. */
  stepsToTarget?: number;
  /** The experiment's target problem, for benches with several (runs then pair by seed and target). */
  target?: string;
  [extra: string]: unknown;
}

export interface MethodResults {
  runs: RunRecord[];
  /** Mean and sample standard deviation (n − 1; 0 for one run) of `after` over the runs. */
  after: { mean: number; std: number };
  [extra: string]: unknown;
}

/** The one schema of every bench's `--json` output and `results.json`. */
export interface BenchResult {
  task: string;
  dataset: string;
  metric: { name: string; higherIsBetter: boolean };
  methods: Record<string, MethodResults>;
  /** The settings used (steps, seeds, task options): what a report prints beside the figures. */
  settings?: Record<string, unknown>;
  /** The method the table's gains and the paired comparison are against (default `loss`). */
  baseline?: string;
  [extra: string]: unknown;
}

const finite = z.number().refine(Number.isFinite, 'a finite number');

export const runRecordSchema = z.looseObject({
  seed: z.number().int(),
  before: finite,
  after: finite,
  steps: z.number().int().nonnegative(),
  metricCalls: z.number().int().nonnegative(),
  wallSeconds: z.number().nonnegative(),
  metricSplitAfter: finite.optional(),
  twinAfter: finite.optional(),
  tauMean: finite.nullable().optional(),
  trustMean: finite.nullable().optional(),
  timings: z
    .looseObject({ metricSeconds: z.number().nonnegative(), valueSeconds: z.number().nonnegative(), trunkSeconds: z.number().nonnegative() })
    .optional(),
  stepsToTarget: z.number().int().nonnegative().optional(),
  target: z.string().min(1).optional(),
});

export const methodResultsSchema = z.looseObject({
  runs: z.array(runRecordSchema).min(1),
  after: z.object({ mean: finite, std: z.number().nonnegative() }),
});

export const benchResultSchema = z.looseObject({
  task: z.string().min(1),
  dataset: z.string().min(1),
  metric: z.object({ name: z.string().min(1), higherIsBetter: z.boolean() }),
  methods: z.record(z.string(), methodResultsSchema),
  settings: z.record(z.string(), z.unknown()).optional(),
  baseline: z.string().min(1).optional(),
});

/** Checks a parsed `results.json` (or `--json` output) against the schema; a mismatch is a FormatError naming the path. */
export function validateBenchResult(value: unknown, source = 'bench result'): BenchResult {
  const parsed = benchResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.join('.');
    throw new FormatError(source, `${where}: ${issue?.message ?? 'does not match the schema'}`);
  }
  return parsed.data as BenchResult;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) throw new InvalidArgumentError('meanStd', 'values', 'at least one number', 'an empty list');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (values.length - 1)) };
}

/**
 * Collects runs method by method (in the order first seen) and builds a validated BenchResult.
 *
 * ```ts
 * const b = new ResultsBuilder({ task: 'synthetic', dataset: 'long-tailed', metric: { name: 'balanced-error', higherIsBetter: false } });
 * b.addRun('loss', { seed: 1, before: 0.3, after: 0.28, steps: 300, metricCalls: 270, wallSeconds: 2.1 });
 * b.build().methods.loss.after;  // { mean: 0.28, std: 0 }
 * ```
 */
export class ResultsBuilder {
  private readonly runs = new Map<string, RunRecord[]>();

  constructor(
    readonly header: { task: string; dataset: string; metric: { name: string; higherIsBetter: boolean }; settings?: Record<string, unknown>; baseline?: string },
  ) {}

  addRun(method: string, run: RunRecord): this {
    if (typeof method !== 'string' || method.length === 0) {
      throw new InvalidArgumentError('ResultsBuilder.addRun', 'method', 'a non-empty string', String(method));
    }
    const parsed = runRecordSchema.safeParse(run);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidArgumentError('ResultsBuilder.addRun', `run.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'a RunRecord', JSON.stringify(run));
    }
    const list = this.runs.get(method) ?? [];
    if (list.some((r) => r.seed === run.seed && r.target === run.target)) {
      const where = run.target === undefined ? '' : ` on target '${run.target}'`;
      throw new InvalidArgumentError('ResultsBuilder.addRun', 'run.seed', `a seed not yet recorded for '${method}'${where}`, `${run.seed}`);
    }
    list.push({ ...run });
    this.runs.set(method, list);
    return this;
  }

  build(): BenchResult {
    const methods: Record<string, MethodResults> = {};
    for (const [name, runs] of this.runs) {
      methods[name] = { runs: runs.map((r) => ({ ...r })), after: meanStd(runs.map((r) => r.after)) };
    }
    const result: BenchResult = {
      task: this.header.task,
      dataset: this.header.dataset,
      metric: { name: this.header.metric.name, higherIsBetter: this.header.metric.higherIsBetter },
      methods,
    };
    if (this.header.settings !== undefined) result.settings = this.header.settings;
    if (this.header.baseline !== undefined) result.baseline = this.header.baseline;
    return validateBenchResult(result, `results of ${this.header.task}`);
  }
}
