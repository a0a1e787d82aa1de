import * as tf from '@tensorflow/tfjs-core';
import { Rng, cutModel, evaluateMetric, inverseFrequencyWeights, weightedCrossEntropy, type ModelCut, type Split } from '@metricopt/core';
import {
  CLASSIFICATION_DATASETS,
  CLASSIFICATION_METRICS,
  buildClassifier,
  channelStats,
  chooseFilm,
  classificationMetric,
  classificationSplits,
  classifierParams,
  dataFingerprint,
  defaultArchitecture,
  imageFeatures,
  loadClassificationDataset,
  loadOrPretrain,
  pretrainClassifier,
  type ImageDataset,
  type PretrainResult,
} from '@metricopt/classification';
import { UsageError } from '../../bench-config.js';
import { runMethods, type BenchMethod } from '../../method-runner.js';
import type { BenchConfig, BenchTask } from '../../registry.js';
import type { BenchReporter } from '../../reporter.js';
import { ResultsBuilder, type BenchResult } from '../../results.js';
import { CLASSIFICATION_DEFAULT_METHODS, CLASSIFICATION_METHODS } from './classification-methods.js';
import { CLASSIFICATION_OPTIONS, resolveClassificationSettings, type ClassificationSettings } from './classification-settings.js';

/** `--metric` names, the default first: balanced error is where cross-entropy and the metric disagree. */
export const CLASSIFICATION_METRIC_NAMES = ['balanced-error', ...Object.keys(CLASSIFICATION_METRICS).filter((m) => m !== 'balanced-error')];

/**
 * The classification suite. Per seed: draw the splits of the training images (long-tailed or
 * per-class; a metric split of 15%, a twin drawn like it), pretrain the classifier with
 * cross-entropy (or load it from the cache), compute the frozen trunk's features once, then
 * finetune head + FiLM from the same φ₀ with every method on the same budget, and measure the
 * test split, the metric split and the twin.
 */
export async function runClassification(config: BenchConfig, reporter: BenchReporter): Promise<BenchResult> {
  const settings = resolveClassificationSettings(config);
  const metricName = config.metric ?? CLASSIFICATION_METRIC_NAMES[0]!;
  if (!Object.hasOwn(CLASSIFICATION_METRICS, metricName)) {
    throw new UsageError(`unknown metric '${metricName}' for task 'classification'; known: ${CLASSIFICATION_METRIC_NAMES.join(', ')}`);
  }
  const metric = classificationMetric(metricName);
  for (const m of config.methods) {
    if (!Object.hasOwn(CLASSIFICATION_METHODS, m)) {
      throw new UsageError(`unknown method '${m}' for task 'classification'; known methods: ${Object.keys(CLASSIFICATION_METHODS).join(', ')}`);
    }
  }
  const loadStart = performance.now();
  const ds = await loadClassificationDataset(config.dataset, config.dataDir === undefined ? {} : { dir: config.dataDir });
  const inputShape = ds.train.shape.length === 3 ? [...ds.train.shape.slice(1), 1] : ds.train.shape.slice(1);
  const architecture = settings.architecture ?? defaultArchitecture(inputShape);
  const testRows = testSubset(ds.test.labels, ds.numClasses, settings.testLimit);
  const dataId = dataFingerprint(ds.train.images, ds.train.labels);
  reporter.log(`${ds.name}: ${ds.train.shape[0]} train and ${testRows.length} test images [${inputShape.join('×')}], ` +
    `${ds.numClasses} classes, read in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  const builder = new ResultsBuilder({
    task: 'classification',
    dataset: config.dataset,
    metric: { name: metric.name, higherIsBetter: metric.higherIsBetter },
    settings: { ...settings, architecture, inputShape, numClasses: ds.numClasses, seeds: config.seeds, methods: config.methods },
  });

  for (const seed of config.seeds) {
    const rng = new Rng(seed);
    const splits = classificationSplits(ds.train.labels, {
      ...(settings.perClass !== null ? { perClass: settings.perClass } : { imbalance: settings.imbalance }),
      metricFraction: settings.metricFraction,
      numClasses: ds.numClasses,
      rng,
    });
    const normalize = channelStats(ds.train, splits.train);
    const entry = await pretrained(ds, settings, architecture, inputShape, seed, splits.train, normalize, dataId, reporter);
    const model = entry.model;
    const owned: tf.Tensor[] = [];
    let cut: ModelCut | null = null;
    try {
      const film = chooseFilm(model, settings.film);
      cut = cutModel(model, film[0] ?? 'head');
      const { trunk, head } = cut;
      const featureStart = performance.now();
      reporter.begin(`seed ${seed} features`, 4, 'splits');
      const features = async (set: typeof ds.train, indices: ArrayLike<number>, step: number): Promise<Split> => {
        const split = await imageFeatures(trunk, set, { indices, normalize });
        owned.push(split.x, split.y);
        reporter.progress(step);
        return split;
      };
      const train = await features(ds.train, splits.train, 1);
      const metricSplit = await features(ds.train, splits.metric, 2);
      const twin = await features(ds.train, splits.twin, 3);
      const test = await features(ds.test, testRows, 4);
      const featureSeconds = (performance.now() - featureStart) / 1000;
      reporter.end(`${train.x.shape.slice(1).join('×')} features of ${splits.train.length} train, ${splits.metric.length} metric, ` +
        `${splits.twin.length} twin, ${testRows.length} test images`);

      const params = classifierParams(head, film);
      const trainLabels = Int32Array.from(splits.train, (i) => ds.train.labels[i]!);
      const weighted = weightedCrossEntropy(inverseFrequencyWeights(trainLabels, ds.numClasses));
      const catalog: Record<string, BenchMethod> = {};
      for (const name of config.methods) {
        const m = CLASSIFICATION_METHODS[name]!;
        catalog[name] = m.weighted ? { mode: m.mode, loss: weighted } : { mode: m.mode };
      }
      const before = await evaluateMetric(head, metric, test);
      reporter.log(`seed ${seed}: test ${metric.name} ${before.toFixed(4)} before finetuning, φ: ${params.size} values`);
      await runMethods({
        seed,
        valueFunction: config.valueFunction,
        model: head,
        params,
        metric,
        methods: config.methods,
        catalog,
        data: { train, metric: metricSplit },
        evaluation: { test, metric: metricSplit, twin },
        steps: settings.steps,
        optimizer: () => tf.train.adam(settings.learningRate),
        finetune: {
          batchSize: settings.batchSize,
          observeEvery: settings.observeEvery,
          ...(settings.steer !== null ? { steer: settings.steer } : {}),
          ...(settings.sigma !== null ? { sigma: settings.sigma } : {}),
        },
        before,
        extra: {
          pretrainCached: entry.cached,
          pretrainSeconds: entry.cached ? 0 : entry.info.seconds,
          pretrainLoss: entry.info.loss,
          featureSeconds,
          paramCount: params.size,
          trainCount: splits.train.length,
          metricCount: splits.metric.length,
          twinCount: splits.twin.length,
          testCount: testRows.length,
        },
        builder,
        reporter,
      });
    } finally {
      tf.dispose(owned);
      // The trunk and head share the classifier's layers: the weights are freed once both the cut and the model let go.
      cut?.dispose();
      model.dispose();
    }
  }
  return builder.build();
}

/** The seed's pretrained classifier: from the cache when its config was trained before. */
async function pretrained(
  ds: ImageDataset,
  settings: ClassificationSettings,
  architecture: ReturnType<typeof defaultArchitecture>,
  inputShape: number[],
  seed: number,
  trainRows: Int32Array,
  normalize: { mean: number[]; std: number[] },
  dataId: string,
  reporter: BenchReporter,
) {
  const shape = {
    architecture,
    inputShape,
    numClasses: ds.numClasses,
    seed,
    ...(settings.filters ? { filters: settings.filters } : {}),
    ...(settings.units ? { units: settings.units } : {}),
    ...(settings.widths ? { widths: settings.widths } : {}),
  };
  const config = {
    format: 1,
    dataset: ds.name,
    data: dataId,
    trainRows: dataFingerprint(trainRows),
    model: shape,
    epochs: settings.pretrainEpochs,
    batchSize: settings.pretrainBatchSize,
    learningRate: settings.pretrainLearningRate,
    normalize,
  };
  reporter.begin(`seed ${seed} pretrain`, settings.pretrainEpochs, 'epochs');
  const entry = await loadOrPretrain<PretrainResult>({
    config,
    ...(settings.cacheDir !== null ? { cacheDir: settings.cacheDir } : {}),
    refresh: settings.retrain,
    build: () => buildClassifier(shape),
    train: (model) =>
      pretrainClassifier(model, ds.train, {
        indices: trainRows,
        epochs: settings.pretrainEpochs,
        batchSize: settings.pretrainBatchSize,
        learningRate: settings.pretrainLearningRate,
        seed,
        normalize,
        onEpoch: (epoch, loss) => reporter.progress(epoch, `loss ${loss.toFixed(4)}`),
      }),
  });
  reporter.end(entry.cached ? `cached (${entry.dir})` : `CE ${entry.info.loss.toFixed(4)} in ${entry.info.seconds.toFixed(1)} s, saved to ${entry.dir}`);
  return entry;
}

/** All test rows, or the first ⌊limit/C⌋ of each class (the test files are in random order). */
function testSubset(labels: Int32Array, classes: number, limit: number | null): Int32Array {
  if (limit === null || limit >= labels.length) return Int32Array.from({ length: labels.length }, (_, i) => i);
  const perClass = Math.max(1, Math.floor(limit / classes));
  const taken = new Array<number>(classes).fill(0);
  const rows: number[] = [];
  labels.forEach((y, i) => {
    if (taken[y]! < perClass) {
      taken[y]!++;
      rows.push(i);
    }
  });
  return Int32Array.from(rows);
}

/** The registry entry (`metricopt bench classification`). */
export const classificationTask: BenchTask = {
  name: 'classification',
  description: 'image classification (Fashion-MNIST, MNIST, IDX, CIFAR, image folders): CNN head + FiLM toward a classification metric',
  datasets: CLASSIFICATION_DATASETS,
  metrics: CLASSIFICATION_METRIC_NAMES,
  methods: Object.keys(CLASSIFICATION_METHODS),
  defaultMethods: CLASSIFICATION_DEFAULT_METHODS,
  options: CLASSIFICATION_OPTIONS,
  demo: {
    dataset: 'embedded',
    metric: 'balanced-error',
    methods: ['loss', 'metricopt', 'es', 'weighted-ce'],
    seeds: [1],
    steps: 100,
    options: { imbalance: 0.05, pretrainEpochs: 4 },
  },
  run: runClassification,
};
