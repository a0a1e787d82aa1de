import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MetricOptError } from '../errors.js';
import { filmAdapters } from './film-adapters.js';
import { cutModel } from './model-cut.js';
import { cnn, perturbFilm, resnet, twoDense } from './model-cut.fixture.js';

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

function expectClose(got: number[], want: number[]) {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
}

const predict = (m: tfl.LayersModel, x: tf.Tensor) => m.predict(x) as tf.Tensor;
const composed = (cut: ReturnType<typeof cutModel>, x: tf.Tensor) => tf.tidy(() => predict(cut.head, predict(cut.trunk, x)));

describe('cutModel', () => {
  it.each([
    ['cnn', cnn, [null, 'block1_film', 'block2_film', 'pool', 'block3_film', 'head']],
    // 'stem' and 'block1_film' leave residual blocks (skip connections) inside the head.
    ['resnet', resnet, [null, 'stem', 'block1_film', 'block2_film', 'block3', 'pool', 'head']],
  ] as const)('trunk then head equals model.predict for the %s at every boundary', (_, make, boundaries) => {
    const model = make();
    perturbFilm(model, ['block1', 'block2', 'block3']);
    const x = tf.randomNormal([4, ...(model.inputs[0]!.shape.slice(1) as number[])], 0, 1, 'float32', 5);
    const expected = values(predict(model, x));
    for (const boundary of boundaries) {
      const cut = cutModel(model, boundary);
      const want = boundary === null ? model.inputs[0]! : model.getLayer(boundary).inboundNodes[0]!.inputTensors[0]!;
      expect(cut.trunk.outputs[0]!.shape).toEqual(want.shape);
      expect(cut.head.inputs[0]!.shape).toEqual(want.shape);
      expectClose(values(composed(cut, x)), expected);
      cut.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('cuts a Sequential model', () => {
    const m = twoDense();
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const cut = cutModel(m, 's2');
    expect(cut.trunk.outputs[0]!.shape).toEqual([null, 4]);
    expectClose(values(composed(cut, x)), values(predict(m, x)));
    cut.dispose();
    x.dispose();
    m.dispose();
  });

  it("shares the model's weights: φ written through the head changes the model, and gradients agree", () => {
    const model = resnet();
    perturbFilm(model, ['block1', 'block2', 'block3']);
    const cut = cutModel(model, 'block2_film');
    const headView = filmAdapters(cut.head, { layers: ['block2', 'block3'] });
    const modelView = filmAdapters(model, { layers: ['block2', 'block3'] });
    expect(headView.variables).toEqual(modelView.variables);
    headView.write(headView.read().map((v) => v * 1.5 + 0.1));
    const x = tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 8);
    expectClose(values(composed(cut, x)), values(predict(model, x)));
    // The gradient of a loss with respect to φ through the head equals the one through the whole model.
    const target = tf.randomNormal([3, 3], 0, 1, 'float32', 9);
    const loss = (y: tf.Tensor) => tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
    const features = predict(cut.trunk, x);
    const viaHead = tf.variableGrads(() => loss(cut.head.apply(features) as tf.Tensor), modelView.variables);
    const whole = tf.variableGrads(() => loss(model.apply(x) as tf.Tensor), modelView.variables);
    for (const v of modelView.variables) expectClose(values(viaHead.grads[v.name]!), values(whole.grads[v.name]!));
    tf.dispose([x, target, features, viaHead.value, whole.value]);
    cut.dispose();
    model.dispose();
  });

  it.each([['cut first', true], ['model first', false]])(
    'owns no weights of its own and leaks nothing, disposed %s',
    (_, cutFirst) => {
      const baseline = tf.memory().numTensors;
      const model = resnet();
      const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 10);
      const expected = values(predict(model, x));
      const withModel = tf.memory().numTensors;
      const cut = cutModel(model, 'block2_film');
      expect(tf.memory().numTensors).toBe(withModel);
      expectClose(values(composed(cut, x)), expected);
      expect(tf.memory().numTensors).toBe(withModel);
      if (cutFirst) {
        cut.dispose();
        cut.dispose(); // a second call does nothing
        // The model's weights are untouched.
        expect(tf.memory().numTensors).toBe(withModel);
        expectClose(values(predict(model, x)), expected);
        model.dispose();
      } else {
        model.dispose();
        // Trunk and head use every layer of the model: all stay alive until the cut lets go of them too.
        expect(tf.memory().numTensors).toBe(withModel);
        expectClose(values(composed(cut, x)), expected);
        cut.dispose();
      }
      x.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    },
  );

  it('puts the headInput layers before the boundary layer, and frees them with the cut', () => {
    const baseline = tf.memory().numTensors;
    const model = cnn();
    // Scale the features by 2 on the way in: a Dense with a fixed diagonal kernel, owned by the cut.
    const width = model.getLayer('block3_film').inboundNodes[0]!.inputTensors[0]!.shape[1] as number;
    const scale = tfl.layers.dense({ units: width, useBias: false, kernelInitializer: tfl.initializers.identity({ gain: 2 }) });
    const cut = cutModel(model, 'block3_film', { headInput: [scale] });
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 11);
    const features = predict(cut.trunk, x);
    const doubled = tf.mul(features, 2);
    const plain = cutModel(model, 'block3_film');
    expectClose(values(predict(cut.head, features)), values(predict(plain.head, doubled)));
    tf.dispose([x, features, doubled]);
    plain.dispose();
    cut.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('cuts the same model again, at another layer, after earlier cuts', () => {
    const model = cnn();
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 12);
    const expected = values(predict(model, x));
    const first = cutModel(model, 'block3_film');
    const second = cutModel(model, 'block2_film');
    const third = cutModel(first.head, 'head');
    expect(second.trunk.outputs[0]!.shape).toEqual(model.getLayer('block2_film').inboundNodes[0]!.inputTensors[0]!.shape);
    expectClose(values(composed(second, x)), expected);
    const f = predict(first.trunk, x);
    expectClose(values(composed(third, f)), expected);
    f.dispose();
    x.dispose();
    [third, second, first].forEach((c) => c.dispose());
    model.dispose();
  });

  it('refuses a boundary a skip connection jumps over, unknown layers, the input and non-models', () => {
    const model = resnet();
    expect(() => cutModel(model, 'block2_conv2')).toThrow(MetricOptError);
    expect(() => cutModel(model, 'block2_conv2')).toThrow(/cutModel: .*does not cut the graph.*skip connection/);
    expect(() => cutModel(model, 'nope')).toThrow(InvalidArgumentError);
    expect(() => cutModel(model, 'nope')).toThrow(/after its input \[stem, block1_conv1, .*block1_film/);
    expect(() => cutModel(model, model.inputLayers[0]!.name)).toThrow(/after its input/);
    expect(() => cutModel(model, 'block1_add')).toThrow(/single tensor/);
    expect(() => cutModel({} as tfl.LayersModel, 'head')).toThrow(/cutModel.*tf.LayersModel/);
    model.dispose();
  });
});
