import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { filmAdapters } from '../params/film-adapters.js';
import { mlpBackbone, smallCnn, smallResNet, type Backbone } from './index.js';

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const cases: [string, (seed: number) => Backbone, number[]][] = [
  ['smallCnn', (seed) => smallCnn({ inputShape: [6, 6, 1], filters: [2, 3], units: 4, seed }), [6, 6, 1]],
  ['smallResNet', (seed) => smallResNet({ inputShape: [8, 8, 3], widths: [2, 3, 4], seed }), [8, 8, 3]],
  ['mlpBackbone', (seed) => mlpBackbone({ inputDim: 5, hidden: [6, 4], seed }), [5]],
];

describe.each(cases)('%s', (name, make, inputShape) => {
  it('maps inputs to a feature vector and lists its FiLM points, also in the model metadata', () => {
    const { model, filmPoints, featureDim } = make(1);
    expect(featureDim).toBe(4);
    expect(model.outputs[0]!.shape).toEqual([null, 4]);
    expect(filmPoints.length).toBeGreaterThanOrEqual(2);
    expect(filmPoints.every((p) => p.endsWith('_film') && model.getLayer(p).getClassName() === 'FiLM')).toBe(true);
    expect(model.getUserDefinedMetadata()).toEqual({ filmPoints });
    // Every FiLM point is usable as an adapter; the last one's channels are the features.
    expect(filmAdapters(model, { layers: filmPoints }).segments.at(-1)!.size).toBe(4);
    const y = tf.tidy(() => model.predict(tf.ones([2, ...inputShape])) as tf.Tensor);
    expect(y.shape).toEqual([2, 4]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    y.dispose();
    model.dispose();
  });

  it('is reproducible from its seed', () => {
    const [a, b, c] = [make(7), make(7), make(8)];
    expect(weightsOf(a.model)).toEqual(weightsOf(b.model));
    expect(weightsOf(a.model)).not.toEqual(weightsOf(c.model));
    // Layers get distinct seeds: no two kernels of the same shape are equal.
    const kernels = weightsOf(a.model).filter((w) => w.length > 1 && new Set(w).size > 1).map((w) => w.join());
    expect(new Set(kernels).size).toBe(kernels.length);
    [a, b, c].forEach((x) => x.model.dispose());
  });
});

describe('backbone specifics', () => {
  it('smallCnn has conv16 → conv32 → pool → dense64 by default on 28×28×1', () => {
    const { model, filmPoints } = smallCnn({ seed: 0 });
    expect(filmPoints).toEqual(['block1_film', 'block2_film', 'block3_film']);
    expect(model.inputs[0]!.shape).toEqual([null, 28, 28, 1]);
    expect(model.getLayer('block2').outputShape).toEqual([null, 28, 28, 32]);
    expect(model.getLayer('pool').outputShape).toEqual([null, 14, 14, 32]);
    expect(model.outputs[0]!.shape).toEqual([null, 64]);
    model.dispose();
  });

  it('smallResNet halves the resolution from the second block on and has residual adds', () => {
    const { model, filmPoints } = smallResNet({ inputShape: [8, 8, 3], seed: 0 });
    expect(filmPoints).toEqual(['block1_film', 'block2_film', 'block3_film']);
    expect(['block1', 'block2', 'block3'].map((b) => model.getLayer(b).outputShape)).toEqual([
      [null, 8, 8, 16],
      [null, 4, 4, 32],
      [null, 2, 2, 64],
    ]);
    expect(model.layers.filter((l) => l.getClassName() === 'Add')).toHaveLength(3);
    model.dispose();
  });

  it('mlpBackbone matches a naive forward pass with FiLM applied', () => {
    const { model } = mlpBackbone({ inputDim: 2, hidden: [3], seed: 2 });
    const view = filmAdapters(model, { layers: ['hidden1'] });
    view.write(Float32Array.from([2, 1, -1, 0.5, 0, 0.25]));
    const [k, b] = model.getLayer('hidden1').getWeights().map((w) => Array.from(w.dataSync())) as [number[], number[]];
    const x = [0.3, -0.7];
    const expected = [0, 1, 2].map((j) => Math.max(0, x[0]! * k[j]! + x[1]! * k[3 + j]! + b[j]!) * [2, 1, -1][j]! + [0.5, 0, 0.25][j]!);
    const y = tf.tidy(() => Array.from((model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync()));
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    model.dispose();
  });

  it('rejects bad options naming them', () => {
    expect(() => smallCnn({ inputShape: [28, 28] })).toThrow(InvalidArgumentError);
    expect(() => smallResNet({ widths: [] })).toThrow(/widths/);
    expect(() => mlpBackbone({ inputDim: 3, hidden: [0] })).toThrow(/hidden/);
    expect(() => smallCnn({ seed: 0.5 })).toThrow(/seed/);
  });
});
