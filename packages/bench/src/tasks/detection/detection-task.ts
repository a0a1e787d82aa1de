import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng, combineViews, cutModel, evaluateMetric, filmAdapters, headParams, inverseFrequencyWeights, type ModelCut, type Split } from '@metricopt/core';
import {
  COCO_STATISTICS, centerNet, centerNetLoss,
  centerNetLossTerms, cocoDetectionMetric, encodeCenterNetTargets, pretrainCenterNet, targetObjects,
  type CocoAnnotation, type CocoId, type CocoStatistic, type DetectionDataset,
} from '@metricopt/detection';
import { UsageError } from '../../bench-config.js';
import { runMethods, type BenchMethod } from '../../method-runner.js';
import type { BenchConfig, BenchTask } from '../../registry.js';
import type { BenchReporter } from '../../reporter.js';
import { ResultsBuilder, type BenchResult } from '../../results.js';
import { detectionCacheDir } from './cache-key.js';
import { cocoData, combinedGroundTruth, sceneData, vocData, type DetectionData } from './detection-data.js';
import { DETECTION_DEFAULT_METHODS, DETECTION_METHODS } from './detection-methods.js';
import { DETECTION_OPTIONS, resolveDetectionSettings, type DetectionSettings } from './detection-settings.js';
import { loadOrPretrainDetector } from './pretrained-detector.js';

export const DETECTION_DATASETS = ['scenes', 'coco', 'voc'] as const;

/**
 * The detection suite. Once per run: the data (generated scenes cached on disk and read back
 * through the COCO loader, or a COCO dataset), the CenterNet detector pretrained with its loss
 * (cached on disk by config), and the frozen trunk's features below the first adapted FiLM layer.
 * Per seed: split the held-out pool into a metric split and its twin, then finetune FiLM + the
 * 1×1 head from the same φ₀ with every method on the same budget; metric calls decode, run NMS
 * and evaluate COCO mAP on the metric split as a black box; test is the held-out test set.
 */
export async function runDetection(config: BenchConfig, reporter: BenchReporter): Promise<BenchResult> {
  const settings = resolveDetectionSettings(config);
  const statistic = (config.metric ?? 'map') as CocoStatistic;
  if (!COCO_STATISTICS.includes(statistic)) throw new UsageError(`unknown metric '${config.metric}' for task 'detection'; known: ${COCO_STATISTICS.join(', ')}`);
  for (const m of config.methods) {
    if (!Object.hasOwn(DETECTION_METHODS, m)) {
      throw new UsageError(`unknown method '${m}' for task 'detection'; known methods: ${Object.keys(DETECTION_METHODS).join(', ')}`);
    }
  }
  if (!(DETECTION_DATASETS as readonly string[]).includes(config.dataset)) {
    throw new UsageError(`unknown dataset '${config.dataset}' for task 'detection'; known: ${DETECTION_DATASETS.join(', ')}`);
  }
  const cacheRoot = settings.cacheDir ?? detectionCacheDir();
  const data = config.dataset === 'coco' ? await cocoData(config.dataDir, settings)
    : config.dataset === 'voc' ? await vocData(config.dataDir, settings)
    : await sceneData(settings, cacheRoot, reporter);
  const owned: tf.Tensor[] = [];
  let model: tfl.LayersModel | null = null;
  let cut: ModelCut | null = null;
  try {
    const numClasses = data.categoryIds.length;
    const channels = data.train.images.shape[3]!;
    const stride = 4;
    const grid: [number, number] = [settings.imageSize / stride, settings.imageSize / stride];
    reporter.log(`${config.dataset}: ${data.train.imageIds.length} train, ${data.pool.imageIds.length} pool (metric + twin), ` +
      `${data.test.imageIds.length} test images of ${settings.imageSize}×${settings.imageSize}×${channels}, ${numClasses} classes, ` +
      `${data.train.gt.annotations.length + data.pool.gt.annotations.length + data.test.gt.annotations.length} objects`);

    const trainTargets = tf.tensor4d(
      encodeCenterNetTargets(targetObjects(data.train.gt, data.train.imageIds, data.categoryIds), { numClasses, outputSize: grid, stride }),
      [data.train.imageIds.length, grid[0], grid[1], numClasses + 5],
    );
    owned.push(trainTargets);
    const entry = await pretrained(data, settings, numClasses, channels, trainTargets, cacheRoot, reporter);
    model = entry.model;
    for (const f of settings.film) {
      if (!model.layers.some((l) => l.name === `${f}_film` || (l.name === f && f.endsWith('_film')))) {
        throw new UsageError(`unknown FiLM layer '${f}'; the detector's FiLM points are block1 … block4, head_conv${settings.outputFilm ? ', head_out' : ' (and head_out with --output-film)'}`);
      }
    }
    const adapters = filmAdapters(model, { layers: settings.film });
    cut = cutModel(model, adapters.boundary!);
    const { trunk, head } = cut;

    reporter.begin('features', 3, 'splits');
    const featureStart = performance.now();
    const features = (ds: DetectionDataset, step: number): tf.Tensor => {
      const f = trunkFeatures(trunk, ds.images);
      owned.push(f);
      reporter.progress(step);
      return f;
    };
    const train: Split = { x: features(data.train, 1), y: trainTargets };
    const poolX = features(data.pool, 2);
    const testX = features(data.test, 3);
    const featureSeconds = (performance.now() - featureStart) / 1000;
    reporter.end(`${train.x.shape.slice(1).join('×')} trunk features in ${featureSeconds.toFixed(1)} s`);

    // One ground truth over pool and test, so one metric serves metric split, twin and test (targets are global rows).
    const { gt, imageIds, offsets } = combinedGroundTruth([data.pool, data.test]);
    const metric = cocoDetectionMetric({
      gt, imageIds, categoryIds: data.categoryIds, statistic,
      decode: { numClasses, stride, topK: settings.topK, nmsIou: settings.nmsIou, scoreThreshold: settings.scoreThreshold },
    });
    const testRows = Float32Array.from(data.test.imageIds, (_, r) => offsets[1]! + r);
    const test: Split = { x: testX, y: tf.tensor1d(testRows) };
    owned.push(test.y);
    const params = combineViews(filmAdapters(head, { layers: settings.film }), headParams(head, { layer: 'head_out' }));
    const before = await evaluateMetric(head, metric, test);
    reporter.log(`test ${metric.name} ${before.toFixed(4)} before finetuning; φ: ${params.size} values (FiLM ${settings.film.join(', ')} + head_out)`);
    const builder = new ResultsBuilder({
      task: 'detection',
      dataset: config.dataset,
      metric: { name: metric.name, higherIsBetter: true },
      settings: { ...settings, seeds: config.seeds.map((s) => s + settings.seedOffset), methods: config.methods, numClasses, paramCount: params.size },
    });
    const catalog = detectionCatalog(config.methods, numClasses, data.train.gt.annotations, data.categoryIds);

    const poolCount = data.pool.imageIds.length;
    const half = Math.floor(poolCount / 2);
    const knobs = {
      ...(settings.lambda !== null ? { lambda: settings.lambda } : {}),
      ...(settings.sigma !== null ? { sigma: settings.sigma } : {}),
      ...(settings.perturbations !== null ? { perturbations: settings.perturbations } : {}),
      ...(settings.steer !== null ? { steer: settings.steer } : {}),
    };
    for (const seed of config.seeds.map((s) => s + settings.seedOffset)) {
      const order = new Rng(seed).permutation(poolCount);
      const part = (rows: Int32Array): Split => {
        const split = tf.tidy(() => ({ x: tf.gather(poolX, tf.tensor1d(rows, 'int32')), y: tf.tensor1d(Float32Array.from(rows, (r) => offsets[0]! + r)) }));
        owned.push(split.x, split.y);
        return split;
      };
      const metricSplit = part(order.slice(0, half));
      const twin = part(order.slice(half, 2 * half));
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
        finetune: { batchSize: settings.batchSize, observeEvery: settings.observeEvery, ...knobs },
        before,
        extra: {
          pretrainCached: entry.cached,
          pretrainSeconds: entry.cached ? 0 : entry.info.seconds,
          pretrainLoss: entry.info.loss,
          featureSeconds,
          paramCount: params.size,
          trainCount: data.train.imageIds.length,
          metricCount: half,
          twinCount: half,
          testCount: data.test.imageIds.length,
        },
        builder,
        reporter,
      });
      tf.dispose([metricSplit.x, metricSplit.y, twin.x, twin.y]);
      owned.splice(owned.length - 4, 4);
    }
    return builder.build();
  } finally {
    tf.dispose(owned);
    // The trunk and head share the detector's layers: the weights are freed once both the cut and the model let go.
    cut?.dispose();
    model?.dispose();
    data.dispose();
  }
}

/**
 * The methods' losses and options: every one the CenterNet loss, the `weighted` ones with each class's focal term
 * weighted N / (C·n_c) by its training objects (crowd regions not counted), the `terms` ones with the loss's terms for V.
 */
export function detectionCatalog(
  methods: readonly string[],
  numClasses: number,
  trainAnnotations: readonly CocoAnnotation[],
  categoryIds: readonly CocoId[],
): Record<string, BenchMethod> {
  const classIndex = new Map(categoryIds.map((id, c) => [id, c]));
  const objects = trainAnnotations.filter((a) => a.iscrowd !== 1 && classIndex.has(a.category_id));
  const classWeights = inverseFrequencyWeights(objects.map((a) => classIndex.get(a.category_id)!), numClasses);
  const catalog: Record<string, BenchMethod> = {};
  for (const name of methods) {
    const { mode, options, terms, weighted } = DETECTION_METHODS[name]!;
    const lossOptions = weighted ? { numClasses, classWeights } : { numClasses };
    const lossParts = terms ? { lossParts: centerNetLossTerms({ ...lossOptions, split: terms }) } : {};
    catalog[name] = { mode, loss: centerNetLoss(lossOptions), options: { ...options, ...lossParts } };
  }
  return catalog;
}

/** The pretrained detector for this data and these settings: from the cache when trained before. */
async function pretrained(
  data: DetectionData,
  settings: DetectionSettings,
  numClasses: number,
  channels: number,
  targets: tf.Tensor,
  cacheRoot: string,
  reporter: BenchReporter,
) {
  const shape = {
    inputShape: [settings.imageSize, settings.imageSize, channels], numClasses, filters: settings.filters, headFilters: settings.headFilters, seed: settings.pretrainSeed,
    // Absent when off, so detectors cached before the option existed keep their key.
    ...(settings.outputFilm ? { outputFilm: true } : {}),
  };
  const config = {
    format: 1,
    data: data.fingerprint,
    model: shape,
    steps: settings.pretrainSteps,
    batchSize: settings.pretrainBatchSize,
    learningRate: settings.pretrainLearningRate,
  };
  reporter.begin('pretrain', settings.pretrainSteps);
  const entry = await loadOrPretrainDetector({
    cacheRoot,
    config,
    refresh: settings.retrain,
    build: () => centerNet(shape).model,
    train: async (model) => {
      const started = performance.now();
      const loss = await pretrainCenterNet(model, data.train.images, targets, {
        loss: { numClasses },
        steps: settings.pretrainSteps,
        batchSize: settings.pretrainBatchSize,
        learningRate: settings.pretrainLearningRate,
        seed: settings.pretrainSeed,
        onProgress: (step, l) => reporter.progress(step, `loss ${l.toFixed(4)}`),
      });
      return { loss: Number.isFinite(loss) ? loss : null, seconds: (performance.now() - started) / 1000 };
    },
  });
  reporter.end(entry.cached ? `cached (${entry.dir})` : `loss ${entry.info.loss?.toFixed(4) ?? '-'} in ${entry.info.seconds.toFixed(1)} s, saved to ${entry.dir}`);
  return entry;
}

/** The trunk's outputs for every image, 64 at a time (the caller owns the result). */
function trunkFeatures(trunk: tfl.LayersModel, images: tf.Tensor, batchSize = 64): tf.Tensor {
  return tf.tidy(() => {
    const n = images.shape[0]!;
    const chunks: tf.Tensor[] = [];
    for (let i = 0; i < n; i += batchSize) chunks.push(trunk.predict(tf.slice(images, i, Math.min(batchSize, n - i))) as tf.Tensor);
    return chunks.length === 1 ? chunks[0]! : tf.concat(chunks);
  });
}

/** The registry entry (`metricopt bench detection`). */
export const detectionTask: BenchTask = {
  name: 'detection',
  description: 'object detection on pasted-object scenes or COCO data: CenterNet FiLM + 1x1 head toward COCO mAP',
  datasets: DETECTION_DATASETS,
  metrics: COCO_STATISTICS,
  methods: Object.keys(DETECTION_METHODS),
  defaultMethods: DETECTION_DEFAULT_METHODS,
  options: DETECTION_OPTIONS,
  demo: {
    dataset: 'scenes',
    metric: 'map',
    methods: ['loss', 'metricopt', 'es'],
    seeds: [1],
    steps: 60,
    options: { trainScenes: 400, poolScenes: 200, testScenes: 200, pretrainSteps: 150 },
  },
  run: runDetection,
};
