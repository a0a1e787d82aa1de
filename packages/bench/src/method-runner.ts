import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  InvalidArgumentError,
  evaluateMetric,
  finetune,
  finetuneValueOptions,
  loadValueFunction,
  type FinetuneMode,
  type FinetuneOptions,
  type LossFn,
  type Metric,
  type ParamView,
  type Split,
  type SplitSource,
  type ValueFunction,
} from '@metricopt/core';
import type { BenchReporter } from './reporter.js';
import { currentRunJournal } from './run-journal.js';
import type { ResultsBuilder, RunRecord } from './results.js';
import { curveFromHistory } from './report/curve.js';

/** A benchmarked method: a finetune mode and, optionally, its own loss (e.g. class-weighted CE). */
export interface BenchMethod {
  mode: FinetuneMode;
  /** Default: finetune's own (softmax cross-entropy). */
  loss?: LossFn;
  /** The method's own finetune options (e.g. `mixing: 'loss-prior'`), over the suite's shared ones. */
  options?: SharedFinetuneOptions;
  /** Builds the method's value function for one run (e.g. with a meta-trained prior); the runner disposes it. */
  valueFunction?: (params: ParamView) => Promise<ValueFunction>;
}

/** The finetune options every method of a suite shares (everything but what the runner sets per method). */
export type SharedFinetuneOptions = Partial<
  Omit<FinetuneOptions, 'model' | 'params' | 'metric' | 'data' | 'mode' | 'loss' | 'steps' | 'seed' | 'optimizer' | 'onStep' | 'onRound'>
>;

export interface MethodRunOptions {
  seed: number;
  /** The model φ belongs to, as finetune sees it (for cached features: the head model). */
  model: tfl.LayersModel;
  params: ParamView;
  metric: Metric;
  /** Method names in run order, each resolved in `catalog`. */
  methods: readonly string[];
  catalog: Readonly<Record<string, BenchMethod>>;
  /** What finetune trains on and observes. */
  data: { train: SplitSource; metric: SplitSource };
  /** Evaluated after every method with the model's outputs: `test` → after, `metric` → metricSplitAfter, `twin` → twinAfter. */
  evaluation: { test: Split; metric?: Split; twin?: Split };
  steps: number;
  /** A fresh optimizer for every method (default Adam 1e-3); the runner disposes it. */
  optimizer?: () => tf.Optimizer;
  finetune?: SharedFinetuneOptions;
  /**
   * A saved (meta-trained) value function's directory (`--value-function`): every method whose mode
   * uses V and that builds none itself starts each run from it, as its GP's prior mean.
   */
  valueFunction?: string;
  /** The test metric at φ₀ (computed when not given). */
  before?: number;
  /** Extra fields for every run record (e.g. pretraining time). */
  extra?: Record<string, unknown>;
  builder: ResultsBuilder;
  reporter: BenchReporter;
}

/**
 * Runs every method from the same start on the same budget, the protocol of every bench suite:
 * per method, reset φ to φ₀, take a fresh optimizer, finetune, evaluate test / metric split /
 * twin, and add a run record to `builder`. φ is back at φ₀ when it returns.
 *
 * ```ts
 * await runMethods({ seed: 1, model, params, metric, methods: ['loss', 'metricopt'], catalog,
 *   data: { train, metric: metricSplit }, evaluation: { test, metric: metricSplit, twin }, steps: 300,
 *   builder, reporter });
 * builder.build().methods.metricopt.runs[0].after;   // 0.133
 * ```
 */
export async function runMethods(options: MethodRunOptions): Promise<RunRecord[]> {
  const { seed, model, params, metric, catalog, evaluation, steps, reporter, builder } = options;
  for (const name of options.methods) {
    if (!Object.hasOwn(catalog, name)) {
      throw new InvalidArgumentError('runMethods', 'methods', `names among ${Object.keys(catalog).join(', ')}`, JSON.stringify(name));
    }
  }
  const phi0 = params.phi0;
  const before = options.before ?? (await evaluateMetric(model, metric, evaluation.test));
  const observeEvery = options.finetune?.observeEvery ?? 10;
  const records: RunRecord[] = [];
  try {
    for (const name of options.methods) {
      const method = catalog[name]!;
      // A bench over several targets (transfer) runs each (method, seed) once per target: the journal keys on all three.
      const target = options.extra?.target;
      const journalKey = typeof target === 'string' ? `${name}@${target}` : name;
      const kept = await currentRunJournal()?.get(journalKey, seed);
      if (kept) {
        builder.addRun(name, kept);
        records.push(kept);
        reporter.log(`seed ${seed} ${name}: finished earlier, kept`);
        continue;
      }
      params.write(phi0);
      const optimizer = options.optimizer ? options.optimizer() : tf.train.adam(1e-3);
      reporter.begin(`seed ${seed} ${name}`, steps);
      const started = performance.now();
      let valueFunction: ValueFunction | undefined;
      try {
        valueFunction = await valueFunctionFor(method, options);
        const run = await finetune({
          ...options.finetune,
          model,
          params,
          metric,
          ...method.options,
          ...(method.loss ? { loss: method.loss } : {}),
          data: options.data,
          optimizer,
          mode: method.mode,
          steps,
          seed,
          ...(valueFunction !== undefined ? { valueFunction } : {}),
          onStep: method.mode === 'es' ? undefined : (info) => reporter.progress(info.step, `loss ${info.loss.toFixed(4)}`),
          onRound: (info) =>
            reporter.progress(
              method.mode === 'es' ? Math.min(steps, (info.round + 1) * observeEvery) : info.step,
              `metric ${info.centreMetric.toFixed(4)}`,
            ),
        });
        const wallSeconds = (performance.now() - started) / 1000;
        const after = await evaluateMetric(model, metric, evaluation.test);
        const record: RunRecord = {
          seed,
          before,
          after,
          steps: run.steps,
          metricCalls: run.metricCalls,
          wallSeconds,
          tauMean: run.tauMean,
          trustMean: run.trustMean,
          timings: { metricSeconds: run.timings.metricSeconds, valueSeconds: run.timings.valueSeconds, trunkSeconds: run.timings.trunkSeconds },
          bestStep: run.best?.step ?? null,
          curve: curveFromHistory(run.history, method.mode === 'es' ? { roundEvery: observeEvery } : {}),
          ...options.extra,
        };
        if (evaluation.metric) record.metricSplitAfter = await evaluateMetric(model, metric, evaluation.metric);
        if (evaluation.twin) record.twinAfter = await evaluateMetric(model, metric, evaluation.twin);
        builder.addRun(name, record);
        await currentRunJournal()?.put(journalKey, seed, record);
        records.push(record);
        reporter.end(`test ${metric.name} ${before.toFixed(4)} → ${after.toFixed(4)}`);
      } finally {
        optimizer.dispose();
        valueFunction?.dispose();
      }
    }
  } finally {
    params.write(phi0);
  }
  return records;
}

/** The value function a run of `method` starts from: its own, the saved one, or none (finetune builds a fresh GP). */
async function valueFunctionFor(method: BenchMethod, options: MethodRunOptions): Promise<ValueFunction | undefined> {
  if (method.valueFunction !== undefined && usesValue(method.mode)) return method.valueFunction(options.params);
  return savedValueFunction(options.valueFunction, method.mode, options.params, options.metric, { ...options.finetune, ...method.options });
}

function usesValue(mode: FinetuneMode): boolean {
  return mode === 'loss+value' || mode === 'value';
}

/**
 * The saved value function in `dir` for one run of `mode` (undefined when there is no `dir` or the
 * mode does not use V), with the GP and trust settings finetune would give a fresh one (`knobs`):
 * the run then differs from a fresh one only by the prior. The caller disposes it.
 *
 * ```ts
 * const vf = await savedValueFunction(config.valueFunction, 'loss+value', params, metric, { warmupRounds: 3 });
 * await finetune({ ...options, ...(vf ? { valueFunction: vf } : {}) });
 * vf?.dispose();
 * ```
 */
export async function savedValueFunction(
  dir: string | undefined,
  mode: FinetuneMode,
  params: ParamView,
  metric: Metric,
  knobs: Pick<SharedFinetuneOptions, 'warmupRounds' | 'gp' | 'trust'> = {},
): Promise<ValueFunction | undefined> {
  if (dir === undefined || !usesValue(mode)) return undefined;
  return loadValueFunction(dir, {
    layout: params.layout,
    metric,
    ...finetuneValueOptions({
      ...(knobs.warmupRounds !== undefined ? { warmupRounds: knobs.warmupRounds } : {}),
      ...(knobs.gp !== undefined ? { gp: knobs.gp } : {}),
      ...(knobs.trust !== undefined ? { trust: knobs.trust } : {}),
    }),
  });
}
