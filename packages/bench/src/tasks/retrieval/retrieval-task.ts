import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, evaluateMetric, type LossFn, type Metric, type Split } from '@metricopt/core';
import {
  RETRIEVAL_DATASETS,
  SYSTEM_FONT_DIRS,
  buildEmbeddingModel,
  cacheDir,
  contrastiveLoss,
  cutEmbeddingModel,
  dataFingerprint,
  embeddingFilmPoints,
  embeddingParams,
  glyphInventory,
  groupedLoss,
  inputNormalization,
  loadOrPretrainEmbedding,
  loadRetrievalDataset,
  mPerClassSplit,
  mapAtRMetric,
  pretrainEmbedding,
  recallAtKLoss,
  recallAtKMetric,
  retrievalSplits,
  smoothApLoss,
  trunkFeatures,
  tripletLoss,
  type PretrainEmbeddingResult,
  type RetrievalDataset,
  type RetrievalDatasetName,
  type RetrievalSplits,
} from '@metricopt/retrieval';
import { UsageError } from '../../bench-config.js';
import { runMethods, type BenchMethod } from '../../method-runner.js';
import type { BenchConfig, BenchTask, DemoSettings } from '../../registry.js';
import type { BenchReporter } from '../../reporter.js';
import { ResultsBuilder, type BenchResult } from '../../results.js';
import { RETRIEVAL_DEFAULT_METHODS, RETRIEVAL_METHODS, type RetrievalLossKind } from './retrieval-methods.js';
import { RETRIEVAL_OPTIONS, resolveRetrievalSettings, type RetrievalSettings } from './retrieval-settings.js';

/** `--metric` names, the default first. */
export const RETRIEVAL_METRIC_NAMES = ['recall@1', 'map@r'] as const;

function retrievalMetric(name: string): Metric {
  if (name === 'recall@1') return recallAtKMetric(1);
  if (name === 'map@r') return mapAtRMetric();
  throw new UsageError(`unknown metric '${name}' for task 'retrieval'; known: ${RETRIEVAL_METRIC_NAMES.join(', ')}`);
}

/**
 * The retrieval suite. Per seed: split the classes three ways (train; metric classes, held out
 * from training, their images halved into the metric split and its twin — by font face for
 * glyphs; unseen test classes), pretrain the embedding with a standard loss on M-per-class
 * batches (or load it from the cache), compute the frozen trunk's features once, then finetune
 * projection + FiLM from the same φ₀ with every method on the same budget (M-per-class batches
 * through a grouped training split), and measure Recall@1 / MAP@R on the test classes, the metric
 * split and the twin.
 */
export async function runRetrieval(config: BenchConfig, reporter: BenchReporter): Promise<BenchResult> {
  const settings = resolveRetrievalSettings(config);
  const metricName = config.metric ?? RETRIEVAL_METRIC_NAMES[0];
  const metric = retrievalMetric(metricName);
  if (!(RETRIEVAL_DATASETS as readonly string[]).includes(config.dataset)) {
    throw new UsageError(`unknown dataset '${config.dataset}' for task 'retrieval'; known: ${RETRIEVAL_DATASETS.join(', ')}`);
  }
  for (const m of config.methods) {
    if (!Object.hasOwn(RETRIEVAL_METHODS, m)) {
      throw new UsageError(`unknown method '${m}' for task 'retrieval'; known methods: ${Object.keys(RETRIEVAL_METHODS).join(', ')}`);
    }
  }
  const loadStart = performance.now();
  const ds = await loadDataset(config, settings, reporter);
  const { images } = ds;
  const inputShape = images.shape.length === 3 ? [...images.shape.slice(1), 1] : images.shape.slice(1);
  const dataId = dataFingerprint(images.images, images.labels);
  reporter.log(`${ds.name}: ${images.labels.length} images [${inputShape.join('×')}] of ${new Set(images.labels).size} classes, ` +
    `ready in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  const builder = new ResultsBuilder({
    task: 'retrieval',
    dataset: config.dataset,
    metric: { name: metric.name, higherIsBetter: metric.higherIsBetter },
    settings: { ...settings, inputShape, seeds: config.seeds, methods: config.methods, data: ds.info },
  });

  for (const seed of config.seeds) {
    const rng = new Rng(seed);
    const splits = retrievalSplits(images.labels, {
      rng,
      metricFraction: settings.metricFraction,
      testFraction: settings.testFraction,
      ...(ds.testClasses !== null ? { testClasses: ds.testClasses } : {}),
      ...(ds.groups !== null ? { groups: ds.groups } : {}),
      ...(settings.testPerClass !== null ? { testPerClass: settings.testPerClass } : {}),
    });
    const normalize = inputNormalization(images, splits.train);
    const entry = await pretrained(ds, settings, inputShape, seed, splits, normalize, dataId, reporter);
    const model = entry.model;
    const owned: tf.Tensor[] = [];
    let cut: ReturnType<typeof cutEmbeddingModel> | null = null;
    try {
      // A grouped head: it takes the M-per-class rows of the training split as well as flat splits.
      cut = cutEmbeddingModel(model, cutLayer(embeddingFilmPoints(model), settings.film), { grouped: true });
      const featureStart = performance.now();
      reporter.begin(`seed ${seed} features`, 4, 'splits');
      const features = async (rows: Int32Array, step: number): Promise<Split> => {
        const split = await trunkFeatures(cut!.trunk, images, { indices: rows, normalize });
        owned.push(split.x, split.y);
        reporter.progress(step);
        return split;
      };
      const train = await features(splits.train, 1);
      const metricSplit = await features(splits.metric, 2);
      const twin = await features(splits.twin, 3);
      const test = await features(splits.test, 4);
      const featureSeconds = (performance.now() - featureStart) / 1000;
      reporter.end(`${train.x.shape.slice(1).join('×')} features of ${splits.train.length} train (${splits.classes.train.length} classes), ` +
        `${splits.metric.length} metric + ${splits.twin.length} twin (${splits.classes.metric.length} classes), ` +
        `${splits.test.length} test (${splits.classes.test.length} classes)`);
      // Any batch of this split's rows is M-per-class (finetune draws rows uniformly).
      const grouped = mPerClassSplit(train, { samplesPerClass: settings.samplesPerClass, groupings: settings.groupings, rng: rng.fork() });
      owned.push(grouped.x, grouped.y);

      // No boundary: the head's inputs are the cached trunk features already.
      const params = embeddingParams(cut.head, settings.film, { boundary: false });
      const losses: Record<RetrievalLossKind, LossFn> = {
        pretrain: groupedLoss(pretrainLoss(settings)),
        'smooth-ap': groupedLoss(smoothApLoss()),
        'recall-k': groupedLoss(recallAtKLoss()),
      };
      const catalog: Record<string, BenchMethod> = {};
      for (const name of config.methods) {
        const m = RETRIEVAL_METHODS[name]!;
        catalog[name] = { mode: m.mode, loss: losses[m.loss] };
      }
      const before = await evaluateMetric(cut.head, metric, test);
      const metricSplitBefore = await evaluateMetric(cut.head, metric, metricSplit);
      const twinBefore = await evaluateMetric(cut.head, metric, twin);
      reporter.log(`seed ${seed}: ${metric.name} before finetuning: test ${before.toFixed(4)}, metric split ${metricSplitBefore.toFixed(4)}, ` +
        `twin ${twinBefore.toFixed(4)}; φ: ${params.size} values`);
      await runMethods({
        seed,
        valueFunction: config.valueFunction,
        model: cut.head,
        params,
        metric,
        methods: config.methods,
        catalog,
        data: { train: grouped, metric: metricSplit },
        evaluation: { test, metric: metricSplit, twin },
        steps: settings.steps,
        optimizer: () => tf.train.adam(settings.learningRate),
        finetune: { batchSize: settings.batchSize, observeEvery: settings.observeEvery },
        before,
        extra: {
          metricSplitBefore,
          twinBefore,
          pretrainCached: entry.cached,
          pretrainSeconds: entry.cached ? 0 : entry.info.seconds,
          pretrainLoss: entry.info.loss,
          featureSeconds,
          paramCount: params.size,
          trainCount: splits.train.length,
          metricCount: splits.metric.length,
          twinCount: splits.twin.length,
          testCount: splits.test.length,
          trainClasses: splits.classes.train.length,
          metricClasses: splits.classes.metric.length,
          testClasses: splits.classes.test.length,
        },
        builder,
        reporter,
      });
    } finally {
      tf.dispose(owned);
      // The trunk and head share the model's layers: the head lets go of them, the model frees them.
      cut?.dispose();
      model.dispose();
    }
  }
  return builder.build();
}

/** Where the frozen trunk ends: the shallowest adapted FiLM layer, or the projection when no FiLM layer is adapted. */
function cutLayer(points: string[], film: RetrievalSettings['film']): string {
  if (film === 'none') return 'projection';
  if (film === 'last') return points[points.length - 1] ?? 'projection';
  const chosen = film.map((n) => (points.includes(n) ? n : `${n}_film`));
  const unknown = chosen.find((n) => !points.includes(n));
  if (unknown !== undefined) throw new UsageError(`--film expects FiLM layers of the model (${points.join(', ')}), got ${unknown}`);
  return points.find((p) => chosen.includes(p))!;
}

function pretrainLoss(settings: RetrievalSettings): LossFn {
  return settings.pretrainLoss === 'triplet' ? tripletLoss() : contrastiveLoss();
}

async function loadDataset(config: BenchConfig, settings: RetrievalSettings, reporter: BenchReporter): Promise<RetrievalDataset> {
  const name = config.dataset as RetrievalDatasetName;
  if (name === 'glyphs') {
    const inventory = glyphInventory();
    const classes = settings.glyphClasses === null || settings.glyphClasses >= inventory.length
      ? inventory
      : Array.from({ length: settings.glyphClasses }, (_, i) => inventory[Math.floor((i * inventory.length) / settings.glyphClasses!)]!);
    reporter.begin('glyphs', classes.length, 'classes');
    const ds = await loadRetrievalDataset('glyphs', {
      ...(config.dataDir === undefined ? {} : { dir: config.dataDir }),
      glyphs: {
        classes,
        samplesPerClass: settings.glyphSamples,
        minFaces: settings.glyphMinFaces,
        ...(settings.cacheDir !== null ? { cacheDir: join(settings.cacheDir, 'glyphs') } : {}),
        onProgress: (done) => reporter.progress(done),
      },
    });
    reporter.end(`${ds.info.classes} classes from ${(ds.info.fonts as string[]).length} font faces${ds.info.cached ? ' (cached)' : ''}`);
    return ds;
  }
  if (name !== 'fashion-mnist' && config.dataDir === undefined) {
    throw new UsageError(`--dataset ${name} needs --data-dir: the directory of the dataset in its own layout (it cannot be downloaded here)`);
  }
  reporter.begin(name, 1, 'datasets');
  const ds = await loadRetrievalDataset(name, {
    ...(config.dataDir === undefined ? {} : { dir: config.dataDir }),
    ...(name === 'fashion-mnist' && settings.perClass !== null ? { perClass: settings.perClass } : {}),
    images: {
      size: settings.imageSize,
      ...(settings.perClass !== null ? { perClass: settings.perClass } : {}),
      ...(settings.maxClasses !== null ? { maxClasses: settings.maxClasses } : {}),
    },
  });
  reporter.end();
  return ds;
}

/** The seed's pretrained embedding model: from the cache when its config was trained before. */
async function pretrained(
  ds: RetrievalDataset,
  settings: RetrievalSettings,
  inputShape: number[],
  seed: number,
  splits: RetrievalSplits,
  normalize: { mean: number[]; std: number[] },
  dataId: string,
  reporter: BenchReporter,
) {
  const shape = {
    inputShape,
    dim: settings.dim,
    seed,
    ...(settings.architecture ? { architecture: settings.architecture } : {}),
    ...(settings.filters ? { filters: settings.filters } : {}),
    ...(settings.units ? { units: settings.units } : {}),
    ...(settings.widths ? { widths: settings.widths } : {}),
  };
  const config = {
    format: 1,
    dataset: ds.name,
    data: dataId,
    trainRows: dataFingerprint(splits.train),
    model: shape,
    loss: settings.pretrainLoss,
    steps: settings.pretrainSteps,
    classesPerBatch: settings.pretrainClasses,
    samplesPerClass: 4,
    learningRate: settings.pretrainLearningRate,
    normalize,
  };
  reporter.begin(`seed ${seed} pretrain`, settings.pretrainSteps);
  const entry = await loadOrPretrainEmbedding<PretrainEmbeddingResult>({
    config,
    cacheDir: settings.cacheDir !== null ? join(settings.cacheDir, 'pretrained-embeddings') : cacheDir('pretrained-embeddings'),
    refresh: settings.retrain,
    build: () => buildEmbeddingModel(shape),
    train: (model) =>
      pretrainEmbedding(model, ds.images, {
        indices: splits.train,
        steps: settings.pretrainSteps,
        loss: pretrainLoss(settings),
        classesPerBatch: settings.pretrainClasses,
        samplesPerClass: 4,
        learningRate: settings.pretrainLearningRate,
        seed,
        normalize,
        onProgress: (step, loss) => reporter.progress(step, `${settings.pretrainLoss} ${loss.toFixed(4)}`),
      }),
  });
  reporter.end(entry.cached ? `cached (${entry.dir})` : `${settings.pretrainLoss} ${entry.info.loss.toFixed(4)} in ${entry.info.seconds.toFixed(1)} s, saved to ${entry.dir}`);
  return entry;
}

/** The registry entry (`metricopt bench retrieval`). */
export const retrievalTask: BenchTask = {
  name: 'retrieval',
  description: 'image retrieval on unseen classes (glyphs rendered from fonts, Fashion-MNIST, CUB-200-2011, Cars196, SOP): embedding projection + FiLM toward Recall@1 / MAP@R',
  datasets: RETRIEVAL_DATASETS,
  metrics: RETRIEVAL_METRIC_NAMES,
  methods: Object.keys(RETRIEVAL_METHODS),
  defaultMethods: RETRIEVAL_DEFAULT_METHODS,
  options: RETRIEVAL_OPTIONS,
  demo: demoSettings(),
  run: runRetrieval,
};

/** The demo renders glyphs where the machine has fonts, else it uses Fashion-MNIST (the embedded subset offline). */
function demoSettings(): DemoSettings {
  const common = { metric: 'recall@1', methods: ['loss', 'metricopt', 'es', 'smooth-ap'], seeds: [1], steps: 60 };
  const hasFonts = SYSTEM_FONT_DIRS.some((dir) => existsSync(dir) && readdirSync(dir).length > 0);
  return hasFonts
    ? { ...common, dataset: 'glyphs', options: { glyphClasses: 120, glyphSamples: 12, pretrainSteps: 150 } }
    : { ...common, dataset: 'fashion-mnist', options: { perClass: 200, pretrainSteps: 150 } };
}
