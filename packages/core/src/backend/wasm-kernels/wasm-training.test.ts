import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { ensureBackendRegistered, maxScaledDifference } from '../backend-comparison.js';

// Whole-model checks that wasm has every kernel training needs: one step's gradients of small
// models built from tfjs-layers, on wasm and on cpu, from the same seeded weights and data.

const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });

function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [10, 9, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(1) }),
      tfl.layers.conv2d({ filters: 6, kernelSize: [3, 2], activation: 'relu', kernelInitializer: seeded(2) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 8, activation: 'relu', kernelInitializer: seeded(3) }),
      tfl.layers.dense({ units: 5, kernelInitializer: seeded(4) }),
    ],
  });
}

function smallResNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3] });
  const stem = tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: seeded(5) });
  let h = stem.apply(input) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
  const branch = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1, depthwiseInitializer: seeded(6) });
  let b = branch.apply(h) as tfl.SymbolicTensor;
  b = tfl.layers.batchNormalization().apply(b) as tfl.SymbolicTensor;
  h = tfl.layers.add().apply([h, b]) as tfl.SymbolicTensor;
  h = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.globalAveragePooling2d({}).apply(h) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: 5, kernelInitializer: seeded(7) }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

function embeddingModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 12, outputDim: 6, inputLength: 4, embeddingsInitializer: seeded(8) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, kernelInitializer: seeded(9) }),
    ],
  });
}

interface ModelCase {
  name: string;
  build: () => tfl.LayersModel;
  input: (rng: Rng) => tf.Tensor;
  /** Maps the model's output to the embedding or logits the loss sees. */
  head: (output: tf.Tensor) => tf.Tensor;
}

const CASES: ModelCase[] = [
  { name: 'small CNN (conv, relu, maxPool, dense)', build: smallCnn, input: (rng) => images(rng, [3, 10, 9, 1]), head: (o) => o },
  { name: 'small ResNet (strided conv, batch norm, depthwise, residual, pooling)', build: smallResNet, input: (rng) => images(rng, [3, 8, 8, 3]), head: (o) => o },
  {
    name: 'embedding lookup with L2 normalisation',
    build: embeddingModel,
    input: () => tf.tensor2d([[1, 5, 5, 11], [0, 5, 7, 7], [3, 3, 3, 2]], [3, 4], 'int32'),
    head: (o) => tf.mul(tf.div(o, tf.norm(o, 'euclidean', 1, true)), 3),
  },
];

function images(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

/** The loss and its gradient w.r.t. every trainable weight, on one backend, from a fresh model. */
async function stepGradients(backend: string, c: ModelCase): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = c.build();
  const rng = new Rng(11);
  const input = c.input(rng);
  const labels = tf.oneHot(tf.tensor1d([0, 3, 4], 'int32'), 5);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(labels, c.head(model.apply(input, { training: true }) as tf.Tensor)),
    variables,
  );
  // In the model's weight order: the generated variable names differ between the two builds.
  const names = variables.map((variable) => variable.name);
  const out = [Float32Array.from(value.dataSync()), ...names.map((name) => Float32Array.from(grads[name]!.dataSync()))];
  tf.dispose([value, input, labels, ...Object.values(grads)]);
  model.layers.forEach((layer) => layer.dispose());
  return out;
}

describe('training on wasm with MetricOpt kernels', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it.each(CASES)('$name: one step gives the cpu loss and gradients', async (c) => {
    const previous = tf.getBackend();
    try {
      const cpu = await stepGradients('cpu', c);
      const wasm = await stepGradients('wasm', c);
      expect(wasm.length).toBe(cpu.length);
      expect(wasm.length).toBeGreaterThan(2);
      expect(maxScaledDifference(wasm, cpu)).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend(previous);
    }
  });
});
