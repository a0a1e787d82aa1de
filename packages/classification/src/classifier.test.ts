import * as tf from '@tensorflow/tfjs-core';
import { cutModel } from '@metricopt/core';
import { toSplit } from '@metricopt/data';
import { describe, expect, it } from 'vitest';
import { buildClassifier, defaultArchitecture } from './classifier.js';
import { chooseFilm, classifierParams } from './classifier-params.js';
import { imageFeatures } from '@metricopt/data';

describe('buildClassifier', () => {
  it('puts a logits head on the small CNN for gray images and the small ResNet for colour ones', () => {
    expect([defaultArchitecture([28, 28, 1]), defaultArchitecture([32, 32, 3])]).toEqual(['small-cnn', 'small-resnet']);
    const cnn = buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    expect(cnn.outputs[0]!.shape).toEqual([null, 10]);
    expect(cnn.getLayer('head').getClassName()).toBe('Dense');
    // The prototype's φ: head 10·64 + 10 and FiLM γ, β on the 64 features.
    expect(classifierParams(cnn).size).toBe(778);
    const resnet = buildClassifier({ inputShape: [8, 8, 3], numClasses: 4, widths: [4, 8], seed: 1 });
    expect(resnet.getLayer('block2_add').getClassName()).toBe('Add');
    expect(classifierParams(resnet, 'none').size).toBe(8 * 4 + 4);
    expect(() => buildClassifier({ inputShape: [28, 28], numClasses: 10 })).toThrow(/inputShape/);
    expect(() => buildClassifier({ inputShape: [8, 8, 1], numClasses: 1 })).toThrow(/numClasses/);
    cnn.dispose();
    resnet.dispose();
  });

  it('chooses FiLM layers by keyword or name', () => {
    const m = buildClassifier({ inputShape: [6, 6, 1], numClasses: 3, filters: [2, 2], units: 4 });
    expect([chooseFilm(m), chooseFilm(m, 'none'), chooseFilm(m, ['block2', 'block3_film'])]).toEqual([['block3_film'], [], ['block2_film', 'block3_film']]);
    expect(() => chooseFilm(m, ['pool'])).toThrow(/block1_film, block2_film, block3_film/);
    m.dispose();
  });
});

// core's cutModel (tested there on the same backbones) on classifiers, with classifierParams on the head.
describe('cutModel on a classifier', () => {
  it.each([
    ['small-cnn at its last FiLM layer', () => buildClassifier({ inputShape: [6, 6, 1], numClasses: 3, filters: [2, 3], units: 5, seed: 2 }), 'block3_film', [5], [6, 6, 1]],
    ['small-resnet at its last FiLM layer (pooling in the head)', () => buildClassifier({ inputShape: [8, 8, 3], numClasses: 3, widths: [2, 4], seed: 2 }), 'block2_film', [4, 4, 4], [8, 8, 3]],
    ['small-cnn at its head', () => buildClassifier({ inputShape: [6, 6, 1], numClasses: 3, filters: [2, 3], units: 5, seed: 2 }), 'head', [5], [6, 6, 1]],
  ])('%s: head(trunk(x)) = model(x), sharing the weights', (_, make, at, featureShape, inputShape) => {
    const tensors = tf.memory().numTensors;
    const model = make();
    const cut = cutModel(model, at);
    const { trunk, head } = cut;
    expect(trunk.outputs[0]!.shape.slice(1)).toEqual(featureShape);
    const x = tf.randomUniform([3, ...inputShape], 0, 1, 'float32', 7);
    const full = () => tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const parts = () => tf.tidy(() => Array.from((head.predict(trunk.predict(x) as tf.Tensor) as tf.Tensor).dataSync()));
    parts().forEach((v, i) => expect(v).toBeCloseTo(full()[i]!, 5));
    // Changing φ through the head model changes the full model: the variables are shared.
    const params = classifierParams(head, at === 'head' ? 'none' : 'last');
    params.write(params.read().map((v) => v * 1.5 + 0.1));
    parts().forEach((v, i) => expect(v).toBeCloseTo(full()[i]!, 5));
    x.dispose();
    cut.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('imageFeatures', () => {
  it('equals the trunk on the normalised images, in the order of the indices, and leaks nothing', async () => {
    const model = buildClassifier({ inputShape: [4, 4, 1], numClasses: 2, filters: [2, 2], units: 3, seed: 4 });
    const cut = cutModel(model, 'block3_film');
    const set = { images: Uint8Array.from({ length: 5 * 16 }, (_, i) => (i * 11) % 256), shape: [5, 4, 4], labels: Int32Array.from([0, 1, 1, 0, 1]) };
    const normalize = { mean: 0.4, std: 0.2 };
    const tensors = tf.memory().numTensors;
    const f = await imageFeatures(cut.trunk, set, { indices: [4, 0, 2], normalize, batchSize: 2 });
    expect(tf.memory().numTensors).toBe(tensors + 2);
    const ref = toSplit(set, { indices: [4, 0, 2], normalize });
    const expected = tf.tidy(() => Array.from((cut.trunk.predict(ref.x) as tf.Tensor).dataSync()));
    Array.from(f.x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(Array.from(f.y.dataSync())).toEqual([1, 0, 1]);
    tf.dispose([f.x, f.y, ref.x, ref.y]);
    cut.dispose();
    model.dispose();
  });
});
