import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { mlpBackbone } from './mlp-backbone.js';
import { smallCnn } from './small-cnn.js';
import { withHead } from './with-head.js';

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('withHead', () => {
  it('adds a Dense head that shares the backbone layers and keeps its metadata', () => {
    const backbone = smallCnn({ inputShape: [6, 6, 1], filters: [2, 2], units: 4, seed: 3 });
    const model = withHead(backbone.model, { units: 3, activation: 'softmax', seed: 1 });
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(model.getLayer('head').getClassName()).toBe('Dense');
    expect(model.getLayer('block3_film')).toBe(backbone.model.getLayer('block3_film'));
    expect(model.getUserDefinedMetadata()).toEqual({ filmPoints: backbone.filmPoints });
    const sums = tf.tidy(() => Array.from(tf.sum(model.predict(tf.ones([2, 6, 6, 1])) as tf.Tensor, 1).dataSync()));
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    const again = withHead(smallCnn({ inputShape: [6, 6, 1], filters: [2, 2], units: 4, seed: 3 }).model, { units: 3, seed: 1 });
    expect(weightsOf(again)).toEqual(weightsOf(model));
    model.dispose();
    again.dispose();
  });

  it('accepts a layer, and rejects a bad head', () => {
    const backbone = mlpBackbone({ inputDim: 2, hidden: [3] });
    const model = withHead(backbone.model, tfl.layers.dense({ units: 2, name: 'embed' }));
    expect(model.outputs[0]!.shape).toEqual([null, 2]);
    expect(() => withHead(backbone.model, { units: 0 })).toThrow(/head/);
    model.dispose();
  });
});
