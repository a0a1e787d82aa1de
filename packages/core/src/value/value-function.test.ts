import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ObservationRound } from '../observation.js';
import { Rng } from '../rng.js';
import { GlobalValueNet } from './global-value-net.js';
import { kendallTau } from './kendall-tau.js';
import { LocalGP } from './local-gp.js';
import { MlpEncoder } from './mlp-encoder.js';
import { filmLayout, landscapeRounds, quadratic } from './synthetic-rounds.js';
import { TrustGate } from './trust.js';
import { ValueFunction } from './value-function.js';


const layout = filmLayout([{ layer: 'b', channels: 5 }], 6);
const dim = layout.size;

function rounds(seed: number, n: number): ObservationRound[] {
  const rng = new Rng(seed);
  const q = quadratic(dim, rng);
  return landscapeRounds({ f: q.f, grad: q.grad, dim, rounds: n, rng, noise: 0.05, sigma: 0.2, step: 0.05 });
}

const globalNet = (seed: number) => {
  const net = new GlobalValueNet({ encoder: new MlpEncoder({ layout, hidden: [8], rng: new Rng(seed) }), rng: new Rng(seed + 1), steps: 5 });
  net.train(rounds(seed + 2, 4));
  return net;
};

describe('ValueFunction', () => {
  it('scores each round out of sample before fitting on it, and gates trust on τ', () => {
    const data = rounds(1, 8);
    const value = new ValueFunction();
    const gate = new TrustGate();
    data.forEach((round, r) => {
      let expected: number | null = null;
      if (r > 0) {
        const ref = new LocalGP();
        ref.fit(data.slice(0, r));
        expected = kendallTau(ref.predict(round.deltas), round.scores);
      }
      const { tau, trust } = value.addRound(round);
      expect(tau).toBe(expected);
      expect(trust).toBe(gate.update(expected));
      expect(value.trust).toBe(trust);
    });
    expect(value.rounds).toBe(8);
    expect(value.tauEma).toBeGreaterThan(0);
    const ref = new LocalGP();
    ref.fit(data);
    const x = data[7]!.deltas[0]!;
    expect(Array.from(value.gradient(x))).toEqual(Array.from(ref.gradient(x)));
    expect(value.timings.fits).toBe(8);
    expect(value.timings.gradientCalls).toBe(1);
    expect(value.lastFitMs).toBeGreaterThanOrEqual(0);
  });

  it('returns zeros before any round, and keeps only the last bufferRounds rounds', () => {
    const value = new ValueFunction({ local: { window: 3 } });
    expect(Array.from(value.gradient(new Float32Array(dim)))).toEqual(new Array(dim).fill(0));
    const data = rounds(2, 5);
    data.forEach((r) => value.addRound(r));
    expect(value.observations.map((r) => r.round)).toEqual([2, 3, 4]);
  });

  it('uses the global net as the GP prior, and alone when local is false', () => {
    const net = globalNet(3);
    const data = rounds(4, 4);
    const value = new ValueFunction({ global: net });
    data.forEach((r) => value.addRound(r));
    const ref = new LocalGP({ prior: net });
    ref.fit(data);
    const x = data[3]!.deltas[2]!;
    expect(Array.from(value.gradient(x))).toEqual(Array.from(ref.gradient(x)));
    const alone = new ValueFunction({ global: net, local: false });
    data.forEach((r) => alone.addRound(r));
    expect(Array.from(alone.gradient(x))).toEqual(Array.from(net.gradient(x)));
    expect(Array.from(alone.predict([x]))).toEqual(Array.from(net.predict([x])));
    value.dispose();
  });

  it.each([false, true])('numTensors does not grow across addRound and gradient with a global net (online training: %s)', (online) => {
    const value = new ValueFunction({ global: globalNet(5), trainGlobalOnline: online ? { steps: 3 } : false });
    const data = rounds(6, 5);
    value.addRound(data[0]!);
    value.gradient(data[0]!.deltas[0]!);
    const before = tf.memory().numTensors;
    for (const r of data.slice(1)) {
      value.addRound(r);
      value.gradient(r.deltas[0]!);
      value.predict(r.deltas);
    }
    expect(tf.memory().numTensors).toBe(before);
    value.dispose();
  });

  it.each([
    { name: 'GP only', make: () => new ValueFunction() },
    { name: 'GP with a global prior', make: () => new ValueFunction({ global: globalNet(7) }) },
    { name: 'global trained online', make: () => new ValueFunction({ global: globalNet(7), trainGlobalOnline: { steps: 3 } }) },
  ])('setState(getState()) resumes exactly ($name)', ({ make }) => {
    const data = rounds(8, 9);
    const a = make();
    data.slice(0, 5).forEach((r) => a.addRound(r));
    const state = JSON.parse(JSON.stringify(a.getState()));
    const b = make();
    b.setState(state);
    expect(b.rounds).toBe(5);
    expect(b.trust).toBe(a.trust);
    const x = data[4]!.deltas[0]!;
    expect(Array.from(b.gradient(x))).toEqual(Array.from(a.gradient(x)));
    for (const r of data.slice(5)) expect(b.addRound(r)).toEqual(a.addRound(r));
    expect(Array.from(b.gradient(data[8]!.deltas[1]!))).toEqual(Array.from(a.gradient(data[8]!.deltas[1]!)));
    a.dispose();
    b.dispose();
  });

  it('rejects rounds of another dimension and states that do not fit, with clear errors', () => {
    const value = new ValueFunction();
    value.addRound(rounds(9, 1)[0]!);
    const other = landscapeRounds({ f: () => 0, dim: 3, rounds: 1, rng: new Rng(1) })[0]!;
    expect(() => value.addRound(other)).toThrow(/'round.deltas' passed to ValueFunction.addRound must be points of dimension 16, got a Float32Array of length 3/);
    expect(() => value.addRound({ ...other, scores: [1] })).toThrow(/'round'/);
    expect(value.rounds).toBe(1);
    expect(() => value.setState({} as never)).toThrow(/value function state: expected/);
    expect(() => new ValueFunction({ trust: { ref: 0.5 } }).setState(value.getState())).toThrow(/trust.*ref 0.25/);
    expect(() => new ValueFunction({ trainGlobalOnline: true })).toThrow(/'options.trainGlobalOnline'/);
  });
});
