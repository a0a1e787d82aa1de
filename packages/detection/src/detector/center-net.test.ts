import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cutModel, filmAdapters, headParams, InvalidArgumentError } from '@metricopt/core';
import { centerNet } from './center-net.js';

describe('centerNet', () => {
  it('maps images to a stride-4 grid of class logits, size and offset, starting at the heatmap prior', () => {
    const net = centerNet({ inputShape: [16, 24, 1], numClasses: 3, filters: [4, 4, 4, 4], headFilters: 4, seed: 1 });
    expect(net.outputSize).toEqual([4, 6]);
    expect(net.model.outputs[0]!.shape).toEqual([null, 4, 6, 7]);
    expect(net.filmPoints).toEqual(['block1_film', 'block2_film', 'block3_film', 'block4_film', 'head_conv_film']);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => net.model.predict(tf.zeros([2, 16, 24, 1])) as tf.Tensor);
    expect(y.shape).toEqual([2, 4, 6, 7]);
    // Zero input: every cell is the bias: −2.19 for heatmaps, 0 for the rest.
    const v = y.dataSync();
    expect(Array.from(v.subarray(0, 7)).map((x) => Number(x.toFixed(2)))).toEqual([-2.19, -2.19, -2.19, 0, 0, 0, 0]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // FiLM adapters and the 1x1 head are usable parameter views; the boundary is the first adapter.
    expect(filmAdapters(net.model, { layers: ['head_conv'] }).boundary).toBe('head_conv_film');
    expect(headParams(net.model, { layer: 'head_out' }).size).toBe(4 * 7 + 7);
    net.model.dispose();
  });

  it('is reproducible from its seed and rejects bad options', () => {
    const w = (seed: number) => {
      const net = centerNet({ inputShape: [8, 8, 1], numClasses: 2, filters: [2, 2, 2, 2], headFilters: 2, seed });
      const values = net.model.getWeights().map((t) => Array.from(t.dataSync()));
      net.model.dispose();
      return values;
    };
    expect(w(3)).toEqual(w(3));
    expect(w(3)).not.toEqual(w(4));
    expect(() => centerNet({ inputShape: [10, 8, 1], numClasses: 2 })).toThrow(InvalidArgumentError);
    expect(() => centerNet({ numClasses: 0 })).toThrow(/numClasses/);
    expect(() => centerNet({ numClasses: 2, filters: [1, 2] })).toThrow(/filters/);
    expect(() => centerNet({ numClasses: 2, outputFilm: 1 as never })).toThrow(/outputFilm/);
  });

  it('with outputFilm, scales and shifts each output channel (identity at start)', () => {
    const opts = { inputShape: [8, 8, 1], numClasses: 2, filters: [2, 2, 2, 2], headFilters: 3, seed: 6 };
    const plain = centerNet(opts);
    const net = centerNet({ ...opts, outputFilm: true });
    expect(net.filmPoints.at(-1)).toBe('head_out_film');
    const view = filmAdapters(net.model, { layers: ['head_out'] });
    expect(view.segments.map((s) => [s.kind, s.layer, s.size])).toEqual([['film-scale', 'head_out', 6], ['film-shift', 'head_out', 6]]);
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 3);
    const y0 = tf.tidy(() => plain.model.predict(x) as tf.Tensor);
    expect(Array.from(tf.tidy(() => (net.model.predict(x) as tf.Tensor).dataSync()))).toEqual(Array.from(y0.dataSync()));
    // Output channel c becomes γ_c·y_c + β_c: set γ = 1.02 on the width channel (index 2), β = 0.5 on the last.
    const gamma = Float32Array.from(view.read());
    gamma[2] = 1.02;
    gamma[6 + 5] = 0.5;
    view.write(gamma);
    const y = tf.tidy(() => (net.model.predict(x) as tf.Tensor).dataSync());
    const expected = Array.from(y0.dataSync(), (v, i) => (i % 6 === 2 ? 1.02 * v : i % 6 === 5 ? v + 0.5 : v));
    Array.from(y).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    tf.dispose([x, y0]);
    plain.model.dispose();
    net.model.dispose();
  });
});

// core's cutModel (tested there on classifier backbones) on the detector, as the bench cuts it.
describe('cutModel on a CenterNet', () => {
  it('cuts at a FiLM point into a trunk and a head that compose to the model and share its weights', () => {
    const tensors = tf.memory().numTensors;
    const net = centerNet({ inputShape: [8, 8, 1], numClasses: 2, filters: [2, 3, 3, 3], headFilters: 4, seed: 2 });
    const cut = cutModel(net.model, 'head_conv_film');
    expect(cut.trunk.outputs[0]!.shape).toEqual([null, 2, 2, 4]);
    expect(cut.head.outputs[0]!.shape).toEqual([null, 2, 2, 6]);
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5);
    const [full, composed] = tf.tidy(() => [net.model.predict(x) as tf.Tensor, cut.head.predict(cut.trunk.predict(x) as tf.Tensor) as tf.Tensor]);
    expect(Array.from(composed!.dataSync())).toEqual(Array.from(full!.dataSync()));
    expect(headParams(cut.head, { layer: 'head_out' }).variables[0]).toBe(headParams(net.model, { layer: 'head_out' }).variables[0]);
    expect(() => cutModel(net.model, 'image')).toThrow(/after its input/);
    // Cutting again (another layer, same model) works: only the model's own graph is read.
    const again = cutModel(net.model, 'block4');
    expect(again.trunk.outputs[0]!.shape).toEqual([null, 2, 2, 3]);
    again.dispose();
    tf.dispose([x, full!, composed!]);
    cut.dispose();
    net.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
