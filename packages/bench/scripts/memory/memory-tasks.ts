import * as tf from '@tensorflow/tfjs-core';
import { Rng, combineViews, filmAdapters, headParams, type FinetuneOptions, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { balancedErrorMetric, buildClassifier, classifierParams } from '@metricopt/classification';
import { centerNet, centerNetLoss, cocoDetectionMetric, encodeCenterNetTargets, targetObjects, type CocoGroundTruth } from '@metricopt/detection';
import { buildEmbeddingModel, contrastiveLoss, embeddingParams, recallAtKMetric } from '@metricopt/retrieval';

/** A finetune problem of one task, small enough for 1,000 steps in minutes; `dispose` frees what it made. */
export interface MemoryTask {
  options: Omit<FinetuneOptions, 'steps' | 'seed'>;
  dispose(): void;
}

export const MEMORY_TASKS = ['synthetic', 'classification', 'retrieval', 'detection'] as const;
export type MemoryTaskName = (typeof MEMORY_TASKS)[number];

/** Class-dependent blobs on noise: Fashion-MNIST-like [n, 28, 28, 1] images and their labels. */
function images(n: number, size: number, classes: number, rng: Rng): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * size * size);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(classes);
    y[i] = c;
    const cy = 4 + ((c * 7) % (size - 8));
    const cx = 4 + ((c * 11) % (size - 8));
    for (let p = 0; p < size * size; p++) {
      const dy = Math.floor(p / size) - cy;
      const dx = (p % size) - cx;
      x[i * size * size + p] = 0.2 * rng.next() + (dx * dx + dy * dy < 12 ? 0.8 : 0);
    }
  }
  return { x, y };
}

function imageSplit(n: number, size: number, classes: number, rng: Rng): Split {
  const { x, y } = images(n, size, classes, rng);
  return { x: tf.tensor4d(x, [n, size, size, 1]), y: tf.tensor1d(y, 'int32') };
}

function synthetic(): MemoryTask {
  const rng = new Rng(1);
  const split = (n: number): Split => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = rng.int(5);
      y.push(c);
      for (let d = 0; d < 16; d++) x.push(rng.normal() + (d % 5 === c ? 1 : 0));
    }
    return { x: tf.tensor2d(x, [n, 16]), y: tf.tensor1d(y, 'int32') };
  };
  const backbone = mlpBackbone({ inputDim: 16, hidden: [64, 64], seed: 1 });
  const model = withHead(backbone.model, { units: 5, seed: 1 });
  const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden2_film'] }));
  const train = split(2000);
  const metric = split(500);
  return {
    options: { model, params, metric: balancedErrorMetric, data: { train, metric }, optimizer: tf.train.adam(1e-3) },
    dispose: () => {
      model.dispose();
      tf.dispose([train.x, train.y, metric.x, metric.y]);
    },
  };
}

function classification(): MemoryTask {
  const rng = new Rng(2);
  const model = buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, architecture: 'small-cnn', seed: 2 });
  const params = classifierParams(model, 'last');
  const train = imageSplit(1024, 28, 10, rng);
  const metric = imageSplit(512, 28, 10, rng);
  return {
    options: { model, params, metric: balancedErrorMetric, data: { train, metric }, optimizer: tf.train.adam(1e-3) },
    dispose: () => {
      model.dispose();
      tf.dispose([train.x, train.y, metric.x, metric.y]);
    },
  };
}

function retrieval(): MemoryTask {
  const rng = new Rng(3);
  const model = buildEmbeddingModel({ inputShape: [28, 28, 1], dim: 32, architecture: 'small-cnn', seed: 3 });
  const params = embeddingParams(model, 'last');
  const train = imageSplit(1024, 28, 10, rng);
  const metric = imageSplit(400, 28, 10, rng);
  return {
    options: { model, params, metric: recallAtKMetric(1), loss: contrastiveLoss(), data: { train, metric }, optimizer: tf.train.adam(1e-3) },
    dispose: () => {
      model.dispose();
      tf.dispose([train.x, train.y, metric.x, metric.y]);
    },
  };
}

/** Scenes of 32×32 with one or two bright squares of two classes, their COCO ground truth and CenterNet targets. */
function detection(): MemoryTask {
  const rng = new Rng(4);
  const size = 32;
  const numClasses = 2;
  const categoryIds = [1, 2];
  const scenes = (n: number, firstId: number) => {
    const x = new Float32Array(n * size * size);
    const gt: CocoGroundTruth = { images: [], annotations: [], categories: categoryIds.map((id) => ({ id })) };
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = firstId + i;
      ids.push(id);
      gt.images.push({ id, width: size, height: size });
      for (let k = 0, objects = 1 + rng.int(2); k < objects; k++) {
        const c = rng.int(numClasses);
        const w = 6 + rng.int(8);
        const bx = rng.int(size - w);
        const by = rng.int(size - w);
        for (let r = by; r < by + w; r++) for (let q = bx; q < bx + w; q++) x[i * size * size + r * size + q] = c === 0 ? 1 : 0.5;
        gt.annotations.push({ id: gt.annotations.length + 1 + firstId * 10, image_id: id, category_id: categoryIds[c]!, bbox: [bx, by, w, w], area: w * w, iscrowd: 0 });
      }
    }
    return { x: tf.tensor4d(x, [n, size, size, 1]), gt, ids };
  };
  const net = centerNet({ inputShape: [size, size, 1], numClasses, filters: [8, 16, 16, 16], headFilters: 16, seed: 4 });
  const grid: [number, number] = [size / 4, size / 4];
  const trainScenes = scenes(256, 1);
  const targets = tf.tensor4d(
    encodeCenterNetTargets(targetObjects(trainScenes.gt, trainScenes.ids, categoryIds), { numClasses, outputSize: grid, stride: 4 }),
    [256, grid[0], grid[1], numClasses + 5],
  );
  const metricScenes = scenes(64, 1000);
  const rows = tf.tensor1d(metricScenes.ids.map((_, r) => r));
  const metric = cocoDetectionMetric({ gt: metricScenes.gt, imageIds: metricScenes.ids, categoryIds, decode: { numClasses, stride: 4, topK: 20 } });
  const params = combineViews(filmAdapters(net.model, { layers: ['head_conv'] }), headParams(net.model, { layer: 'head_out' }));
  return {
    options: {
      model: net.model, params, metric, loss: centerNetLoss({ numClasses }),
      data: { train: { x: trainScenes.x, y: targets }, metric: { x: metricScenes.x, y: rows } }, optimizer: tf.train.adam(1e-3),
    },
    dispose: () => {
      net.model.dispose();
      tf.dispose([trainScenes.x, targets, metricScenes.x, rows]);
    },
  };
}

export function memoryTask(name: MemoryTaskName): MemoryTask {
  if (name === 'synthetic') return synthetic();
  if (name === 'classification') return classification();
  if (name === 'retrieval') return retrieval();
  return detection();
}
