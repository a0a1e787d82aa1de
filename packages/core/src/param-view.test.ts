import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ParamView } from './param-view.js';

function makeView() {
  const k = tf.variable(tf.tensor2d([[1, -2], [3, 4]]), true, `pv_k_${Math.random()}`);
  const b = tf.variable(tf.zeros([2]), true, `pv_b_${Math.random()}`);
  return { k, b, view: new ParamView([{ variable: k, kind: 'head-kernel' }, { variable: b, kind: 'head-bias' }], 'dense') };
}

describe('ParamView', () => {
  it('lays variables out flat with RMS scales (1 for all-zero variables)', () => {
    const { view } = makeView();
    expect(view.size).toBe(6);
    expect(Array.from(view.phi0)).toEqual([1, -2, 3, 4, 0, 0]);
    const rms = Math.sqrt((1 + 4 + 9 + 16) / 4);
    expect(view.segments.map((s) => [s.offset, s.size, s.kind])).toEqual([[0, 4, 'head-kernel'], [4, 2, 'head-bias']]);
    expect(view.scales[0]).toBeCloseTo(rms, 6);
    expect(view.scales[5]).toBe(1);
    expect(view.boundary).toBe('dense');
  });

  it('maps φ to δ = (φ − φ₀)/s and back, and writes the variables', () => {
    const { view, k, b } = makeView();
    const delta = Float32Array.from([0.5, 0, 0, -1, 2, 3]);
    view.setDelta(delta);
    const s = view.scales[0]!;
    expect(Array.from(k.dataSync())).toEqual([1 + 0.5 * s, -2, 3, 4 - s].map((v) => Math.fround(v)));
    expect(Array.from(b.dataSync())).toEqual([2, 3]);
    const back = view.delta();
    back.forEach((v, i) => expect(v).toBeCloseTo(delta[i]!, 5));
  });

  it('converts δ-gradients to φ-gradients and round-trips flatten/unflatten', () => {
    const { view } = makeView();
    const g = view.deltaGradToPhi([1, 1, 1, 1, 1, 1]);
    expect(g[0]).toBeCloseTo(1 / view.scales[0]!, 6);
    expect(g[5]).toBe(1);
    const before = tf.memory().numTensors;
    const named = view.unflatten([1, 2, 3, 4, 5, 6]);
    expect(Array.from(view.flatten(named))).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose(named);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects vectors of the wrong length, naming the argument', () => {
    const { view } = makeView();
    expect(() => view.write(new Float32Array(3))).toThrow(/'phi' passed to ParamView.write must be a flat vector of length 6, got a Float32Array of length 3/);
    expect(() => new ParamView([])).toThrow(/'entries' passed to ParamView/);
  });
});
