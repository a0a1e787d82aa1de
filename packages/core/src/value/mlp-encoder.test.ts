import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { MlpEncoder } from './mlp-encoder.js';
import { filmLayout } from './synthetic-rounds.js';
import type { Activation } from './value-encoder.js';


const act: Record<Activation, (v: number) => number> = {
  gelu: (v) => v / (1 + Math.exp(-1.702 * v)),
  tanh: Math.tanh,
  softplus: (v) => Math.log1p(Math.exp(v)),
};

/** The MLP written as loops over the encoder's weights. */
function naiveForward(encoder: MlpEncoder, x: Float32Array): number {
  const w = encoder.variables.map((v) => v.dataSync() as Float32Array);
  let h = Array.from(x);
  for (let layer = 0; layer < w.length / 2; layer++) {
    const kernel = w[2 * layer]!;
    const bias = w[2 * layer + 1]!;
    const out = Array.from(bias);
    for (let i = 0; i < h.length; i++) for (let j = 0; j < out.length; j++) out[j]! += h[i]! * kernel[i * out.length + j]!;
    h = layer + 1 < w.length / 2 ? out.map(act[encoder.activation]) : out;
  }
  return h[0]!;
}

describe('MlpEncoder', () => {
  const layout = filmLayout([{ layer: 'a', channels: 3 }], 4);

  it.each(['gelu', 'tanh', 'softplus'] as const)('computes the MLP of a naive loop (%s)', (activation) => {
    const encoder = new MlpEncoder({ layout, hidden: [5, 4], activation, rng: new Rng(1) });
    const rng = new Rng(2);
    const xs = [rng.normals(10), rng.normals(10), new Float32Array(10)];
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => encoder.apply(tf.tensor2d(Float32Array.from(xs.flatMap((x) => Array.from(x))), [3, 10])).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    xs.forEach((x, i) => expect(got[i]).toBeCloseTo(naiveForward(encoder, x), 5));
    expect(encoder.weightNames).toEqual(['mlp/0/kernel', 'mlp/0/bias', 'mlp/1/kernel', 'mlp/1/bias', 'mlp/2/kernel', 'mlp/2/bias']);
    expect(encoder.getConfig()).toEqual({ kind: 'mlp', hidden: [5, 4], activation });
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(before - 6);
  });

  it('is reproducible from its seed and rebuilds from saved weights', () => {
    const a = new MlpEncoder({ layout, hidden: [3], rng: new Rng(5) });
    const b = new MlpEncoder({ layout, hidden: [3], rng: new Rng(5) });
    const weights = Object.fromEntries(a.weightNames.map((n, i) => [n, a.variables[i]!.dataSync() as Float32Array]));
    const c = new MlpEncoder({ layout, hidden: [3], weights });
    a.variables.forEach((v, i) => {
      expect(Array.from(b.variables[i]!.dataSync())).toEqual(Array.from(v.dataSync()));
      expect(Array.from(c.variables[i]!.dataSync())).toEqual(Array.from(v.dataSync()));
    });
    [a, b, c].forEach((e) => e.dispose());
  });

  it('rejects bad options with clear errors and leaks nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => new MlpEncoder({ layout })).toThrow(/'options.rng' passed to MlpEncoder must be a seeded Rng/);
    expect(() => new MlpEncoder({ layout, activation: 'relu' as never, rng: new Rng(1) })).toThrow(/one of 'gelu', 'tanh', 'softplus'/);
    expect(() => new MlpEncoder({ layout, hidden: [0], rng: new Rng(1) })).toThrow(/'options.hidden'/);
    expect(() => new MlpEncoder({ layout: { size: 3, segments: [] }, rng: new Rng(1) })).toThrow(/'options.layout.size'/);
    expect(() => new MlpEncoder({ layout, hidden: [3], weights: { 'mlp/0/kernel': new Float32Array(30) } })).toThrow(/'mlp\/0\/bias' is missing/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
