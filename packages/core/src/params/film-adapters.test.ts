import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { smallResNet } from '../backbones/small-resnet.js';
import { withHead } from '../backbones/with-head.js';
import { InvalidArgumentError } from '../errors.js';
import { ParamView } from '../param-view.js';
import { combineViews, customParams, filmAdapters, headParams } from './film-adapters.js';

// widths 3/4/5: γ and β sizes tell the blocks apart.
const model = () => withHead(smallResNet({ inputShape: [8, 8, 1], widths: [3, 4, 5], seed: 1 }).model, { units: 2 });

describe('filmAdapters', () => {
  it('takes FiLM layers or the layers they follow, in topological order', () => {
    const m = model();
    const view = filmAdapters(m, { layers: ['block3', 'block1_film'] });
    expect(view.segments.map((s) => [s.kind, s.layer, s.size])).toEqual([
      ['film-scale', 'block1', 3],
      ['film-shift', 'block1', 3],
      ['film-scale', 'block3', 5],
      ['film-shift', 'block3', 5],
    ]);
    expect(view.size).toBe(16);
    expect(view.boundary).toBe('block1_film');
    // φ₀ is the identity: γ = 1 (scale s = 1), β = 0.
    expect(Array.from(view.phi0)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    m.dispose();
  });

  it('sets depth = (index of the modulated layer among model.layers + 1) / layer count', () => {
    const m = model();
    const view = filmAdapters(m, { layers: ['block2', 'block3'] });
    const names = m.layers.map((l) => l.name);
    const depth = (l: string) => (names.indexOf(l) + 1) / names.length;
    expect(view.segments.map((s) => s.depth)).toEqual([depth('block2'), depth('block2'), depth('block3'), depth('block3')]);
    expect(view.segments.every((s) => s.depth! > 0 && s.depth! <= 1)).toBe(true);
    m.dispose();
  });

  it('writes through to the model: a β of one unit shifts that channel', () => {
    const m = model();
    const view = filmAdapters(m, { layers: ['block3'] });
    const phi = view.read();
    phi[5 + 2] = 0.5; // β of channel 2 of block3
    view.write(phi);
    const shift = m.getLayer('block3_film').getWeights()[1]!;
    expect(Array.from(shift.dataSync())).toEqual([0, 0, 0.5, 0, 0]);
    m.dispose();
  });

  it('lists the model\'s FiLM layers when a name is unknown', () => {
    const m = model();
    expect(() => filmAdapters(m, { layers: ['stem'] })).toThrow(InvalidArgumentError);
    expect(() => filmAdapters(m, { layers: ['stem'] })).toThrow(/\[block1_film, block2_film, block3_film\].*"stem"/);
    expect(() => filmAdapters(m, { layers: [] })).toThrow(/non-empty/);
    m.dispose();
  });
});

describe('headParams', () => {
  it('takes the last Dense layer\'s kernel and bias', () => {
    const m = model();
    const view = headParams(m);
    expect(view.segments.map((s) => [s.kind, s.shape])).toEqual([
      ['head-kernel', [5, 2]],
      ['head-bias', [2]],
    ]);
    expect(view.boundary).toBe('head');
    expect(Array.from(view.read().subarray(0, 10))).toEqual(Array.from(m.getLayer('head').getWeights()[0]!.dataSync()));
    m.dispose();
  });

  it('takes a named layer, and names the layers when it is unknown', () => {
    const m = model();
    expect(headParams(m, { layer: 'block3_conv2' }).boundary).toBe('block3_conv2');
    expect(() => headParams(m, { layer: 'nope' })).toThrow(/block3_film.*"nope"/);
    expect(() => headParams(m, { layer: 'pool' })).toThrow(/kernel/);
    m.dispose();
  });
});

describe('customParams and combineViews', () => {
  it('wraps any variables with boundary null', () => {
    const v = tf.variable(tf.tensor1d([2, 2]));
    const view = customParams([v]);
    expect(view.segments[0]!.kind).toBe('custom');
    expect(view.boundary).toBeNull();
    expect(() => customParams([])).toThrow(InvalidArgumentError);
    v.dispose();
  });

  it('combines head + FiLM with the earliest boundary, whatever the order', () => {
    const m = model();
    const head = headParams(m);
    const film = filmAdapters(m, { layers: ['block2'] });
    for (const view of [combineViews(head, film), combineViews(film, head)]) {
      expect(view.boundary).toBe('block2_film');
      expect(view.size).toBe(head.size + film.size);
    }
    const both = combineViews(head, film);
    expect(both.segments.map((s) => s.kind)).toEqual(['head-kernel', 'head-bias', 'film-scale', 'film-shift']);
    expect(both.segments[2]!.layer).toBe('block2');
    // Nested combination still knows where its boundary sits.
    expect(combineViews(both, filmAdapters(m, { layers: ['block1'] })).boundary).toBe('block1_film');
    m.dispose();
  });

  it('gives boundary null with custom variables, and refuses shared or unordered views', () => {
    const m = model();
    const v = tf.variable(tf.scalar(1));
    expect(combineViews(headParams(m), customParams([v])).boundary).toBeNull();
    expect(() => combineViews(headParams(m), headParams(m))).toThrow(/distinct variables/);
    const loose = new ParamView([{ variable: v, kind: 'custom' }], 'block2_film');
    expect(() => combineViews(headParams(m), loose)).toThrow(/order/);
    v.dispose();
    m.dispose();
  });

  it('refuses views of a different model', () => {
    const a = model();
    const b = tfl.sequential({ layers: [tfl.layers.dense({ name: 'only', units: 1, inputShape: [2] })] });
    expect(() => combineViews(headParams(a), headParams(b))).toThrow(/of one model/);
    a.dispose();
    b.dispose();
  });
});
