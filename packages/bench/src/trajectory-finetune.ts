import * as tf from '@tensorflow/tfjs-core';
import { finetune, type FinetuneMode, type FinetuneOptions } from '@metricopt/core';
import type { BenchReporter } from './reporter.js';
import type { TrajectorySink } from './trajectory-sources.js';

/** The knobs of one trajectory source run that finetune reads. */
export interface TrajectoryRunKnobs {
  mode: FinetuneMode;
  sigma: number;
  learningRate: number;
  seed: number;
  steps: number;
  observeEvery: number;
}

/**
 * Finetunes one trajectory source run (Adam at `s.learningRate`, batch 128), streaming each observation
 * round into `sink` with progress on `reporter`; resolves to the summary kept in the trajectory's end line.
 * `sink.start` is the caller's, once φ exists.
 *
 * ```ts
 * await sink.start({ dataset, backbone, layout: params.layout });
 * return finetuneTrajectoryRun(`synthetic ${run.name}`, s, { model, params, metric, data: { train, metric: metricSplit } }, sink, reporter);
 * ```
 */
export async function finetuneTrajectoryRun(
  label: string,
  s: TrajectoryRunKnobs,
  problem: Pick<FinetuneOptions, 'model' | 'params' | 'metric' | 'data'>,
  sink: TrajectorySink,
  reporter: BenchReporter,
): Promise<Record<string, unknown>> {
  const optimizer = tf.train.adam(s.learningRate);
  try {
    reporter.begin(`${label} (${s.mode}, σ ${s.sigma})`, s.steps);
    const result = await finetune({
      ...problem, mode: s.mode, sigma: s.sigma, steps: s.steps, seed: s.seed, observeEvery: s.observeEvery, batchSize: 128, optimizer,
      onRound: (info) => {
        sink.round(info.observation);
        reporter.progress(Math.min(s.steps, info.round * s.observeEvery), `metric ${info.centreMetric.toFixed(4)}`);
      },
    });
    reporter.end(`best metric-split ${problem.metric.name} ${result.best?.metric.toFixed(4) ?? '—'}`);
    return { best: result.best, metricCalls: result.metricCalls, seconds: result.timings.totalSeconds };
  } finally {
    optimizer.dispose();
  }
}
