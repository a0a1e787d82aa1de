import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MetricOptError } from '../errors.js';
import { cnn, perturbFilm, resnet, twoDense } from './model-cut.fixture.js';
import { splitModel } from './model-split.js';

function expectClose(a: tf.Tensor, b: tf.Tensor, digits = 5) {
  expect(a.shape).toEqual(b.shape);
  const bv = b.dataSync();
  a.dataSync().forEach((v, i) => expect(v).toBeCloseTo(bv[i]!, digits));
}

describe('splitModel', () => {
  it.each([
    ['cnn', cnn, [null, 'block1_film', 'block2_film', 'pool', 'block3_film', 'head']],
    ['resnet', resnet, [null, 'stem', 'block1_film', 'block2_film', 'block3_film', 'block3', 'pool', 'head']],
  ] as const)('head(trunk(x)) equals model.predict(x) for the %s', (_, make, boundaries) => {
    const model = make();
    perturbFilm(model, ['block1', 'block2', 'block3']);
    const x = tf.randomNormal([4, ...(model.inputs[0]!.shape.slice(1) as number[])], 0, 1, 'float32', 5);
    const expected = model.predict(x) as tf.Tensor;
    for (const boundary of boundaries) {
      const split = splitModel(model, boundary);
      const f = split.trunk(x);
      const y = split.head(f);
      expectClose(y, expected);
      if (boundary !== null) expect(f.shape).toEqual([4, ...(model.getLayer(boundary).inboundNodes.at(-1)!.inputTensors[0]!.shape.slice(1) as number[])]);
      tf.dispose([f, y]);
      split.dispose();
    }
    tf.dispose([x, expected]);
    model.dispose();
  });

  it('cuts a Sequential model', () => {
    const m = twoDense();
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
    const split = splitModel(m, 's2');
    const f = split.trunk(x);
    expect(f.shape).toEqual([5, 4]);
    expectClose(split.head(f), m.predict(x) as tf.Tensor);
    m.dispose();
  });

  it('with boundary null has the identity trunk and the whole model as head', () => {
    const model = cnn();
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 6);
    const split = splitModel(model, null);
    const f = split.trunk(x);
    expect(f).not.toBe(x);
    expect(Array.from(f.dataSync())).toEqual(Array.from(x.dataSync()));
    expectClose(split.head(f), model.predict(x) as tf.Tensor);
    model.dispose();
  });

  it('gives φ the same gradients through the head as through the whole model', () => {
    const model = resnet();
    const view = perturbFilm(model, ['block2', 'block3']);
    const x = tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 8);
    const target = tf.randomNormal([3, 3], 0, 1, 'float32', 9);
    const loss = (y: tf.Tensor) => tf.mean(tf.square(tf.sub(y, target))) as tf.Scalar;
    const split = splitModel(model, view.boundary);
    const features = split.trunk(x);
    const viaHead = tf.variableGrads(() => loss(split.head(features)), view.variables);
    const whole = tf.variableGrads(() => loss(model.apply(x) as tf.Tensor), view.variables);
    expect(viaHead.value.dataSync()[0]).toBeCloseTo(whole.value.dataSync()[0]!, 5);
    for (const v of view.variables) expectClose(viaHead.grads[v.name]!, whole.grads[v.name]!);
    // And a finite difference on one coordinate of β (block3_film) agrees with the analytic gradient.
    const shift = view.variables[3]!;
    const eps = 1e-2;
    const at = (d: number) =>
      tf.tidy(() => {
        const base = shift.clone();
        shift.assign(tf.add(base, tf.mul(tf.reshape(tf.oneHot([0], shift.size), shift.shape), d)));
        const v = loss(split.head(features)).dataSync()[0]!;
        shift.assign(base);
        return v;
      });
    expect((at(eps) - at(-eps)) / (2 * eps)).toBeCloseTo(viaHead.grads[shift.name]!.dataSync()[0]!, 3);
    model.dispose();
  });

  it('leaks no tensors', () => {
    const model = resnet();
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 10);
    const split = splitModel(model, 'block2_film');
    tf.dispose(split.head(split.trunk(x)) as tf.Tensor);
    const before = tf.memory().numTensors;
    const f = split.trunk(x);
    tf.dispose([split.head(f), f]);
    const { value, grads } = tf.variableGrads(() => tf.sum(split.head(split.trunk(x))) as tf.Scalar);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('refuses a boundary that a skip connection jumps over', () => {
    const model = resnet();
    // block2_conv2's input is block2_conv1's output; the shortcut from block1_film goes around it.
    expect(() => splitModel(model, 'block2_conv2')).toThrow(MetricOptError);
    expect(() => splitModel(model, 'block2_conv2')).toThrow(/does not cut the graph.*skip connection/);
    model.dispose();
  });

  it('names the layers when the boundary is unknown, and refuses multi-input layers', () => {
    const model = resnet();
    expect(() => splitModel(model, 'nope')).toThrow(InvalidArgumentError);
    expect(() => splitModel(model, 'nope')).toThrow(/block1_film/);
    expect(() => splitModel(model, 'block1_add')).toThrow(/single tensor/);
    model.dispose();
  });

  it('stops working once disposed', () => {
    const model = cnn();
    const split = splitModel(model, 'head');
    split.dispose();
    expect(() => split.trunk(tf.zeros([1, 6, 6, 2]))).toThrow(/disposed/);
    model.dispose();
  });
});
