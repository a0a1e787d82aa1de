import { describe, expect, it } from 'vitest';
import type { ObservationRound } from '../observation.js';
import { Rng } from '../rng.js';
import { LocalGP } from './local-gp.js';
import { landscapeRounds } from './synthetic-rounds.js';

const DIM = 12;

function unit(rng: Rng): Float64Array {
  const v = Float64Array.from(rng.normals(DIM));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Rounds of f(δ) = Σ_m a_m·(u_m·δ), each with the surrogate slopes u_m (constant: the surrogates are linear). */
function linearRounds(a: number[], u: Float64Array[], seed: number, rounds = 8, noise = 1e-4) {
  const rng = new Rng(seed);
  const f = (x: Float32Array) => a.reduce((s, am, m) => s + am * dot(u[m]!, x), 0);
  const data = landscapeRounds({ f, dim: DIM, rounds, rng, noise, sigma: 0.2 });
  return { data, slopes: data.map(() => u) };
}

describe('LocalGP with surrogate slopes', () => {
  it('recovers the weights of surrogates that explain the metric, and leaves no residual slope', () => {
    const rng = new Rng(1);
    const u = [unit(rng), unit(rng)];
    const { data, slopes } = linearRounds([2, 0.5], u, 2);
    const gp = new LocalGP();
    gp.fit(data, slopes);
    const [c0, c1] = gp.hyperparameters!.surrogateWeights;
    expect(c0).toBeCloseTo(2, 2);
    expect(c1).toBeCloseTo(0.5, 2);
    const residual = gp.gradient(data.at(-1)!.deltas[0]!);
    expect(Math.hypot(...residual)).toBeLessThan(0.02);
  });

  it('keeps weights non-negative unless signed, and shrinks ridged ones towards zero', () => {
    const rng = new Rng(3);
    const u = [unit(rng)];
    const { data, slopes } = linearRounds([-1.5], u, 4);
    const plain = new LocalGP();
    plain.fit(data, slopes);
    expect(plain.hyperparameters!.surrogateWeights).toEqual([0]);
    const signed = new LocalGP();
    signed.fit(data, slopes, { signed: [true] });
    expect(signed.hyperparameters!.surrogateWeights[0]).toBeCloseTo(-1.5, 2);
    const ridged = new LocalGP();
    ridged.fit(data, slopes, { signed: [true], ridge: [10] });
    const w = ridged.hyperparameters!.surrogateWeights[0]!;
    expect(w).toBeLessThan(0);
    expect(Math.abs(w)).toBeLessThan(0.5 * 1.5);
  });

  it('chooses the small ridge by marginal likelihood when the data need the surrogate, a large one when they do not', () => {
    const rng = new Rng(5);
    const u = [unit(rng), unit(rng)];
    const needed = linearRounds([0, 1], u, 6);
    const gp = new LocalGP();
    gp.fit(needed.data, needed.slopes, { ridge: [0, 1], signed: [false, true], ridgeGrid: [0.01, 100] });
    expect(gp.hyperparameters!.surrogateWeights[1]).toBeGreaterThan(0.9);
    const unneeded = linearRounds([1, 0], u, 7, 8, 0.02);
    gp.fit(unneeded.data, unneeded.slopes, { ridge: [0, 1], signed: [false, true], ridgeGrid: [0.01, 100] });
    expect(Math.abs(gp.hyperparameters!.surrogateWeights[1]!)).toBeLessThan(0.05);
  });

  it('without slopes (or all-zero slopes) fits exactly as before', () => {
    const rng = new Rng(8);
    const u = [unit(rng)];
    const { data } = linearRounds([1], u, 9);
    const a = new LocalGP();
    a.fit(data);
    const b = new LocalGP();
    b.fit(data, data.map(() => [new Float64Array(DIM)]));
    const x = data.at(-1)!.deltas[3]!;
    expect(Array.from(b.gradient(x))).toEqual(Array.from(a.gradient(x)));
    expect(a.hyperparameters!.surrogateWeights).toEqual([]);
  });

  it('rejects slopes that do not match the rounds, naming the argument', () => {
    const { data } = linearRounds([1], [unit(new Rng(10))], 11, 3);
    const gp = new LocalGP();
    expect(() => gp.fit(data, [])).toThrow(/'slopes'/);
    expect(() => gp.fit(data, data.map(() => [new Float64Array(DIM + 1)]))).toThrow(/'slopes'/);
  });
});

describe('LocalGP options', () => {
  const rounds = (): ObservationRound[] => {
    const rng = new Rng(12);
    const u = unit(rng);
    return landscapeRounds({ f: (x) => dot(u, x) + 0.3 * dot(u, x) ** 2, dim: DIM, rounds: 6, rng, noise: 0.01, sigma: 0.2 });
  };

  it('antithetic differences ignore an even bowl around each centre; centre differences do not', () => {
    const data = rounds();
    const bowled: ObservationRound[] = data.map((r) => ({
      ...r,
      scores: r.scores.map((s, k) => s - 5 * r.deltas[k]!.reduce((a, v, i) => a + (v - r.deltas[0]![i]!) ** 2, 0)),
    }));
    const gradientOf = (gp: LocalGP, rs: ObservationRound[]) => {
      gp.fit(rs);
      return gp.gradient(rs.at(-1)!.deltas[0]!);
    };
    const plain = gradientOf(new LocalGP({ differences: 'antithetic' }), data);
    const withBowl = gradientOf(new LocalGP({ differences: 'antithetic' }), bowled);
    plain.forEach((v, i) => expect(withBowl[i]).toBeCloseTo(v, 3));
    const centrePlain = gradientOf(new LocalGP(), data);
    const centreBowl = gradientOf(new LocalGP(), bowled);
    const gap = Math.hypot(...centrePlain.map((v, i) => v - centreBowl[i]!));
    expect(gap).toBeGreaterThan(0.01 * Math.hypot(...centrePlain));
  });

  it('antithetic differences measure lengthscales in perturbation norms (half a pair) and fit K per round', () => {
    const data = rounds();
    const anti = new LocalGP({ differences: 'antithetic' });
    anti.fit(data);
    const centre = new LocalGP();
    centre.fit(data);
    expect(anti.hyperparameters!.observations).toBe(6 * 4);
    expect(anti.hyperparameters!.perturbationNorm).toBeCloseTo(centre.hyperparameters!.perturbationNorm, 6);
  });

  it('reselectEvery keeps the last grid choice between searches, as a one-cell grid would', () => {
    const data = rounds();
    const gp = new LocalGP({ reselectEvery: 3 });
    gp.fit(data.slice(0, 3));
    const first = gp.hyperparameters!;
    gp.fit(data.slice(0, 4));
    const cell = new LocalGP({ lengthscaleMultipliers: [first.multiplier], noiseGrid: [first.noise] });
    cell.fit(data.slice(0, 4));
    const x = data[3]!.deltas[0]!;
    expect(Array.from(gp.gradient(x))).toEqual(Array.from(cell.gradient(x)));
    expect(() => new LocalGP({ reselectEvery: 0 })).toThrow(/reselectEvery/);
    expect(() => new LocalGP({ differences: 'pairs' as never })).toThrow(/differences/);
  });

  it('the gradient matches finite differences of predict', () => {
    const data = rounds();
    const gp = new LocalGP();
    gp.fit(data);
    const x = Float32Array.from(data.at(-1)!.deltas[0]!, (v, i) => v + 0.05 * Math.sin(i));
    const g = gp.gradient(x);
    const h = 1e-2;
    for (const i of [0, 5, 11]) {
      const up = Float32Array.from(x);
      const down = Float32Array.from(x);
      up[i] = up[i]! + h;
      down[i] = down[i]! - h;
      const fd = (gp.predict([up])[0]! - gp.predict([down])[0]!) / (2 * h);
      expect(g[i]).toBeCloseTo(fd, 3);
    }
  });
});
