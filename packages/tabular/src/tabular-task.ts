import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import {
  ResultsBuilder, pretrainStart, runMethods, type BenchConfig, type BenchReporter, type BenchResult, type BenchTask,
} from '@metricopt/bench';
import { loadBreastCancer, loadTabularCsv, type TabularData } from './tabular-data.js';
import { TABULAR_DEFAULT_METHODS, TABULAR_METHOD_NAMES, tabularMethods } from './tabular-methods.js';
import { TABULAR_METRICS } from './tabular-metrics.js';
import { makeRarePositives, sampleRarePositives } from './rare-positives.js';
import { standardize, stratifiedSplits, type TabularSplits } from './tabular-splits.js';
import { DEFAULT_TABULAR_SETTINGS, TABULAR_DATASETS, TABULAR_OPTIONS, resolveTabularSettings, type TabularSettings } from './tabular-settings.js';

/**
 * The splits of one seed, standardised with the training statistics: rare-positives draws fresh
 * rows per seed from a fixed geometry; breast-cancer and csv split their rows per class with the seed.
 */
export async function tabularSplits(config: Pick<BenchConfig, 'dataset' | 'dataDir'>, settings: TabularSettings, seed: number): Promise<TabularSplits> {
  if (config.dataset === 'rare-positives') {
    const geometry = makeRarePositives({ dim: settings.features, separation: settings.separation, geometrySeed: settings.geometrySeed });
    const draw = (n: number, k: number) => sampleRarePositives(geometry, n, settings.positiveRate, seed * 4 + k);
    return standardize({
      train: draw(settings.trainSize, 0), metric: draw(settings.metricSize, 1), twin: draw(settings.metricSize, 2), test: draw(settings.testSize, 3),
    });
  }
  let data: TabularData;
  if (config.dataset === 'breast-cancer') data = await loadBreastCancer();
  else if (config.dataset === 'csv') data = await loadTabularCsv(await csvPath(config.dataDir));
  else throw new InvalidArgumentError('tabular', '--dataset', `one of ${TABULAR_DATASETS.join(', ')}`, JSON.stringify(config.dataset));
  const f = settings.metricFraction;
  return standardize(stratifiedSplits(data, { metric: f, twin: f, test: settings.testFraction }, seed));
}

async function csvPath(dataDir: string | undefined): Promise<string> {
  if (dataDir === undefined) throw new InvalidArgumentError('tabular', '--data-dir', 'a CSV file (or a directory holding data.csv) for --dataset csv', 'nothing');
  const isDir = await stat(dataDir).then((s) => s.isDirectory(), () => false);
  return isDir ? join(dataDir, 'data.csv') : dataDir;
}

const toSplit = (d: TabularData): Split => ({ x: tf.tensor2d(d.x, [d.n, d.dim]), y: tf.tensor1d(d.y, 'int32') });

/**
 * The tabular suite. Per seed: draw or split the data, pretrain an MLP (core's mlpBackbone and a
 * two-class head) with plain cross-entropy, then finetune head + FiLM from that same φ₀ with every
 * method on the same budget (bench's runMethods); AUCPR or F1 on test, metric split and twin.
 *
 * ```ts
 * const result = await runTabular({ task: 'tabular', dataset: 'rare-positives', metric: 'aucpr', methods: ['loss', 'metricopt'],
 *   seeds: [1], steps: 50, options: {} }, silentReporter);
 * result.methods.metricopt.runs[0].after;   // 0.71
 * ```
 */
export async function runTabular(config: BenchConfig, reporter: BenchReporter): Promise<BenchResult> {
  const settings = resolveTabularSettings(config);
  const metricName = config.metric ?? 'aucpr';
  const metric = Object.hasOwn(TABULAR_METRICS, metricName) ? TABULAR_METRICS[metricName] : undefined;
  if (metric === undefined) throw new InvalidArgumentError('tabular', '--metric', `one of ${Object.keys(TABULAR_METRICS).join(', ')}`, JSON.stringify(metricName));
  for (const m of config.methods) {
    if (!(TABULAR_METHOD_NAMES as readonly string[]).includes(m)) {
      throw new InvalidArgumentError('tabular', '--methods', `names among ${TABULAR_METHOD_NAMES.join(', ')}`, JSON.stringify(m));
    }
  }
  const seeds = config.seeds.map((s) => s + settings.seedOffset);
  const builder = new ResultsBuilder({
    task: 'tabular',
    dataset: config.dataset,
    metric: { name: metric.name, higherIsBetter: metric.higherIsBetter },
    settings: { ...settings, seeds, methods: config.methods, ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }) },
  });
  for (const seed of seeds) {
    const data = await tabularSplits(config, settings, seed);
    const splits = { train: toSplit(data.train), metric: toSplit(data.metric), twin: toSplit(data.twin), test: toSplit(data.test) };
    const backbone = mlpBackbone({ inputDim: data.train.dim, hidden: settings.hidden, seed });
    const model = withHead(backbone.model, { units: 2, seed });
    try {
      const { params, before } = await pretrainStart({
        seed, model, filmPoints: backbone.filmPoints, film: settings.film, train: data.train,
        epochs: settings.pretrainEpochs, learningRate: settings.pretrainLearningRate, metric, test: splits.test,
      }, reporter);
      await runMethods({
        seed,
        model,
        params,
        metric,
        methods: config.methods,
        catalog: tabularMethods(data.train.y),
        data: { train: splits.train, metric: splits.metric },
        evaluation: splits,
        steps: settings.steps,
        optimizer: () => tf.train.adam(settings.learningRate),
        finetune: { batchSize: settings.batchSize, observeEvery: settings.observeEvery },
        // --value-function DIR: a saved (meta-trained) value function for the methods that use V.
        ...(config.valueFunction === undefined ? {} : { valueFunction: config.valueFunction }),
        before,
        extra: { trainCount: data.train.n, metricCount: data.metric.n, testCount: data.test.n, trainPositives: sum(data.train.y) },
        builder,
        reporter,
      });
    } finally {
      // Disposes the backbone's layers too (the model holds them).
      model.dispose();
      tf.dispose(Object.values(splits).flatMap((s) => [s.x, s.y]));
    }
  }
  return builder.build();
}

function sum(values: Int32Array): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The task, a plain BenchTask object: `metricopt bench tabular` finds it through this package's `metricopt.benchTasks`. */
export const tabularTask: BenchTask = {
  name: 'tabular',
  description: 'rare-positive tabular data (synthetic, or the bundled breast-cancer set, or your CSV), MLP head + FiLM, toward AUCPR or F1',
  datasets: TABULAR_DATASETS,
  metrics: Object.keys(TABULAR_METRICS),
  methods: TABULAR_METHOD_NAMES,
  defaultMethods: TABULAR_DEFAULT_METHODS,
  options: TABULAR_OPTIONS,
  demo: { dataset: 'rare-positives', methods: ['loss', 'metricopt', 'weighted-ce'], seeds: [1], steps: DEFAULT_TABULAR_SETTINGS.steps / 2 },
  run: runTabular,
};
