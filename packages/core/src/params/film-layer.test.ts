import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { FiLM, filmLayers, filmVariables, isFilmLayer } from './film-layer.js';

function tinyModel() {
  const input = tfl.input({ shape: [2, 3, 4] });
  const film = new FiLM({ name: 'f' });
  const out = film.apply(input) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs: input, outputs: out }), film };
}

describe('FiLM', () => {
  it('starts as the identity and computes x·γ + β per channel of the last axis', () => {
    const { model, film } = tinyModel();
    const x = tf.randomNormal([2, 2, 3, 4], 0, 1, 'float32', 1);
    const xs = x.dataSync();
    const y0 = model.predict(x) as tf.Tensor;
    expect(Array.from(y0.dataSync())).toEqual(Array.from(xs));
    const gamma = [0.5, -1, 2, 3];
    const beta = [0.1, 0.2, -0.3, 4];
    const { scale, shift } = filmVariables(film);
    scale.assign(tf.tensor1d(gamma));
    shift.assign(tf.tensor1d(beta));
    const y = model.predict(x) as tf.Tensor;
    const ys = y.dataSync();
    for (let i = 0; i < xs.length; i++) expect(ys[i]).toBeCloseTo(xs[i]! * gamma[i % 4]! + beta[i % 4]!, 5);
    tf.dispose([x, y0, y]);
    model.dispose();
  });

  it('has weights scale and shift of the channel count, exposed as tf.Variables', () => {
    const { model, film } = tinyModel();
    expect(film.weights.map((w) => w.originalName)).toEqual(['f/scale', 'f/shift']);
    expect(film.scaleVariable).toBeInstanceOf(tf.Variable);
    expect(film.scaleVariable.shape).toEqual([4]);
    expect(film.shiftVariable).toBe(filmVariables(film).shift);
    expect(isFilmLayer(film)).toBe(true);
    expect(filmLayers(model)).toEqual(['f']);
    model.dispose();
  });

  it('rejects an input whose last axis is unknown', () => {
    expect(() => new FiLM().apply(tfl.input({ shape: [null] as unknown as number[] }))).toThrow(/last \(channel\) axis/);
  });

  it('survives a save and load of the model', async () => {
    const { model, film } = tinyModel();
    film.scaleVariable.assign(tf.tensor1d([1, 2, 3, 4]));
    film.shiftVariable.assign(tf.tensor1d([-1, 0, 1, 2]));
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.getLayer('f').getClassName()).toBe('FiLM');
    const x = tf.randomNormal([3, 2, 3, 4], 0, 1, 'float32', 2);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('leaks no tensors when applied', () => {
    const { model } = tinyModel();
    const x = tf.ones([1, 2, 3, 4]);
    tf.dispose(model.predict(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.dispose(model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});
