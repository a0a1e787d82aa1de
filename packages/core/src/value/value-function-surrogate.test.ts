import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { kendallTau } from './kendall-tau.js';
import { LocalGP } from './local-gp.js';
import { landscapeRounds } from './synthetic-rounds.js';
import { TrustGate } from './trust.js';
import { ValueFunction } from './value-function.js';

const DIM = 10;

function linear(seed: number, rounds: number) {
  const rng = new Rng(seed);
  const u = Float64Array.from(rng.normals(DIM));
  const f = (x: Float32Array) => 0.7 * x.reduce((s, v, i) => s + v * u[i]!, 0);
  return { u, data: landscapeRounds({ f, dim: DIM, rounds, rng, noise: 1e-3, sigma: 0.2 }) };
}

describe('ValueFunction with surrogate slopes', () => {
  it('fits the GP with the rounds’ slopes and scores new rounds with the surrogate part included', () => {
    const { u, data } = linear(1, 6);
    const value = new ValueFunction();
    const ref = new LocalGP();
    data.forEach((round, r) => {
      let expected: number | null = null;
      if (r > 0) {
        ref.fit(data.slice(0, r), data.slice(0, r).map(() => [u]));
        const c = ref.hyperparameters!.surrogateWeights[0]!;
        const predicted = ref.predict(round.deltas).map((v, i) =>
          v + c * round.deltas[i]!.reduce((s, x, k) => s + u[k]! * (x - round.deltas[0]![k]!), 0));
        expected = kendallTau(predicted, round.scores);
      }
      expect(value.addRound(round, { surrogateSlopes: [u] }).tau).toBe(expected);
    });
    expect(value.surrogateWeights[0]).toBeCloseTo(0.7, 2);
  });

  it('setState(getState()) keeps the slopes and resumes exactly', () => {
    const { u, data } = linear(2, 7);
    const a = new ValueFunction({ surrogate: { ridge: [0.5], signed: [true] } });
    data.slice(0, 4).forEach((r) => a.addRound(r, { surrogateSlopes: [u] }));
    const b = new ValueFunction({ surrogate: { ridge: [0.5], signed: [true] } });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.surrogateWeights).toEqual(a.surrogateWeights);
    for (const r of data.slice(4)) expect(b.addRound(r, { surrogateSlopes: [u] })).toEqual(a.addRound(r, { surrogateSlopes: [u] }));
    expect(Array.from(b.gradient(data[6]!.deltas[0]!))).toEqual(Array.from(a.gradient(data[6]!.deltas[0]!)));
  });

  it('forgets the slopes of rounds that leave the buffer, and rejects slopes of another dimension', () => {
    const { u, data } = linear(3, 5);
    const value = new ValueFunction({ local: { window: 2 } });
    data.forEach((r) => value.addRound(r, { surrogateSlopes: [u] }));
    expect((value.getState().slopes ?? []).length).toBe(2);
    expect(() => value.addRound(data[0]!, { surrogateSlopes: [new Float64Array(3)] })).toThrow(/'options.surrogateSlopes'/);
  });

  it("scoreOn 'perturbations' leaves the centre out of τ", () => {
    const { data } = linear(4, 4);
    const value = new ValueFunction({ scoreOn: 'perturbations' });
    const ref = new LocalGP();
    data.forEach((round, r) => {
      let expected: number | null = null;
      if (r > 0) {
        ref.fit(data.slice(0, r));
        expected = kendallTau(ref.predict(round.deltas.slice(1)), round.scores.slice(1));
      }
      expect(value.addRound(round).tau).toBe(expected);
    });
    expect(() => new ValueFunction({ scoreOn: 'centre' as never })).toThrow(/scoreOn/);
  });
});

describe('TrustGate fixed', () => {
  it('is 0 during warm-up, then the fixed value whatever τ says; τ is still tracked', () => {
    const gate = new TrustGate({ fixed: 0.4, warmupRounds: 2 });
    expect(gate.update(null)).toBe(0);
    expect(gate.update(-0.9)).toBe(0.4);
    expect(gate.update(-0.9)).toBe(0.4);
    expect(gate.tauEma).toBeLessThan(0);
    expect(() => new TrustGate({ fixed: 2 })).toThrow(/options.fixed/);
  });
});
