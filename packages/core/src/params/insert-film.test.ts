import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { filmVariables } from './film-layer.js';
import { insertFilm } from './insert-film.js';

const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });

function sequentialMlp() {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ name: 'd1', units: 3, inputShape: [2], activation: 'relu', kernelInitializer: seeded(1), biasInitializer: 'ones' }));
  m.add(tfl.layers.dense({ name: 'd2', units: 2, kernelInitializer: seeded(2) }));
  return m;
}

function residualGraph() {
  const input = tfl.input({ shape: [4], name: 'in' });
  const a = tfl.layers.dense({ name: 'a', units: 4, activation: 'relu', kernelInitializer: seeded(3) }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.dense({ name: 'b', units: 4, kernelInitializer: seeded(4) }).apply(a) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 2, kernelInitializer: seeded(5) }).apply(sum) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('insertFilm', () => {
  it('leaves a Sequential model\'s output unchanged at start and shares its weights', () => {
    const m = sequentialMlp();
    const filmed = insertFilm(m, ['d1']);
    expect(filmed.layers.map((l) => l.name)).toContain('d1_film');
    const x = tf.tensor2d([[1, -2], [0.5, 3]]);
    expect(values(filmed.predict(x) as tf.Tensor)).toEqual(values(m.predict(x) as tf.Tensor));
    // Shared weights: zeroing d2's kernel in the original zeroes the filmed model's output too (bias 0).
    m.getLayer('d2').setWeights([tf.zeros([3, 2]), tf.zeros([2])]);
    expect(values(filmed.predict(x) as tf.Tensor)).toEqual([0, 0, 0, 0]);
    filmed.dispose();
    m.dispose();
  });

  it('modulates the named layer\'s output: a naive reference with γ and β', () => {
    const m = sequentialMlp();
    const filmed = insertFilm(m, ['d1']);
    const { scale, shift } = filmVariables(filmed.getLayer('d1_film'));
    const gamma = [2, -1, 0.5];
    const beta = [0.3, 0, -0.2];
    scale.assign(tf.tensor1d(gamma));
    shift.assign(tf.tensor1d(beta));
    const [k1, b1] = m.getLayer('d1').getWeights().map(values) as [number[], number[]];
    const [k2, b2] = m.getLayer('d2').getWeights().map(values) as [number[], number[]];
    const xIn = [1, -2];
    const h = [0, 1, 2].map((j) => Math.max(0, xIn[0]! * k1[j]! + xIn[1]! * k1[3 + j]! + b1[j]!) * gamma[j]! + beta[j]!);
    const expected = [0, 1].map((o) => h.reduce((s, v, j) => s + v * k2[j * 2 + o]!, b2[o]!));
    const got = values(filmed.predict(tf.tensor2d([xIn])) as tf.Tensor);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
    filmed.dispose();
    m.dispose();
  });

  it('rebuilds a functional graph with a residual add', () => {
    const m = residualGraph();
    const filmed = insertFilm(m, ['a', 'sum']);
    const names = filmed.layers.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['a_film', 'sum_film']));
    expect(names.indexOf('a_film')).toBeGreaterThan(names.indexOf('a'));
    expect(filmed.getUserDefinedMetadata()).toEqual({ filmPoints: ['a_film', 'sum_film'] });
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 7);
    const a = values(m.predict(x) as tf.Tensor);
    values(filmed.predict(x) as tf.Tensor).forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 6));
    // β on 'a' reaches both branches of the residual: the output moves.
    filmVariables(filmed.getLayer('a_film')).shift.assign(tf.ones([4]));
    expect(values(filmed.predict(x) as tf.Tensor)).not.toEqual(a);
    filmed.dispose();
    m.dispose();
  });

  it('names the model\'s layers when a name is unknown', () => {
    const m = residualGraph();
    expect(() => insertFilm(m, ['nope'])).toThrow(InvalidArgumentError);
    expect(() => insertFilm(m, ['nope'])).toThrow(/\[in, a, b, sum, out\].*nope/);
    expect(() => insertFilm(m, [])).toThrow(/non-empty list/);
    m.dispose();
  });

  it('refuses a layer that already has a FiLM layer after it', () => {
    const filmed = insertFilm(residualGraph(), ['a']);
    expect(() => insertFilm(filmed, ['a'])).toThrow(/a_film/);
    filmed.dispose();
  });
});
