import type * as tfl from '@tensorflow/tfjs-layers';
import { combineViews, evaluateMetric, filmAdapters, headParams, type Metric, type ParamView, type Split } from '@metricopt/core';
import { UsageError } from '../../bench-config.js';
import type { BenchReporter } from '../../reporter.js';
import type { LabelledSamples } from './gaussian-mixture.js';
import { pretrainCrossEntropy } from './pretrain.js';

/** What a seed's methods start from: φ (the head, plus FiLM where chosen) of the pretrained model and its test metric. */
export interface PretrainedStart {
  params: ParamView;
  before: number;
}

/**
 * Pretrains an MLP + head on `train` with cross-entropy (batch 64; every FiLM at the identity),
 * reporting per-epoch progress as `seed N pretrain`, then views φ = head + FiLM on the layers `film`
 * picks from `filmPoints` ('none', 'last', 'all' or names) and measures the metric on `test`.
 *
 * ```ts
 * const { params, before } = await pretrainStart({ seed, model, filmPoints: backbone.filmPoints, film: ['last'], train: splits.train,
 *   epochs: 30, learningRate: 1e-3, metric, test }, reporter);
 * ```
 */
export async function pretrainStart(options: {
  seed: number;
  model: tfl.LayersModel;
  filmPoints: readonly string[];
  film: readonly string[];
  train: LabelledSamples;
  epochs: number;
  learningRate: number;
  metric: Metric;
  test: Split;
}, reporter: BenchReporter): Promise<PretrainedStart> {
  const { seed, model, metric } = options;
  reporter.begin(`seed ${seed} pretrain`, options.epochs, 'epochs');
  const pretrainLoss = await pretrainCrossEntropy(model, options.train, {
    epochs: options.epochs,
    batchSize: 64,
    learningRate: options.learningRate,
    seed,
    onEpoch: (epoch, loss) => reporter.progress(epoch, `loss ${loss.toFixed(4)}`),
  });
  const film = chooseFilmLayers(options.film, options.filmPoints);
  const head = headParams(model);
  const params = film.length ? combineViews(head, filmAdapters(model, { layers: film })) : head;
  const before = await evaluateMetric(model, metric, options.test);
  reporter.end(`CE ${pretrainLoss.toFixed(4)}, test ${metric.name} ${before.toFixed(4)}, φ: ${params.size} values`);
  return { params, before };
}

/** The FiLM layers named by `film` ('last', 'all', 'none' or layer names) among the backbone's points. */
export function chooseFilmLayers(film: readonly string[], points: readonly string[]): string[] {
  if (film.length === 1 && film[0] === 'none') return [];
  if (film.length === 1 && film[0] === 'all') return [...points];
  if (film.length === 1 && film[0] === 'last') return points.length ? [points[points.length - 1]!] : [];
  for (const name of film) {
    if (!points.includes(name) && !points.includes(`${name}_film`)) {
      throw new UsageError(`unknown FiLM layer '${name}'; the MLP's FiLM points are: ${points.join(', ')} (or last, all, none)`);
    }
  }
  return [...film];
}
