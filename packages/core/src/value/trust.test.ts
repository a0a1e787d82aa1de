import { describe, expect, it } from 'vitest';
import { TrustGate } from './trust.js';

describe('TrustGate', () => {
  it('follows an EMA of τ (weight 0.2), scaled by 0.25 and clipped, 0 during warm-up', () => {
    const gate = new TrustGate();
    const taus = [null, 0.1, 0.05, -0.2, 0.6, 1, 0.3];
    let ref: number | null = null;
    taus.forEach((tau, i) => {
      const trust = gate.update(tau);
      if (tau !== null) ref = ref === null ? tau : 0.8 * ref + 0.2 * tau;
      if (ref === null) expect(gate.tauEma).toBeNull();
      else expect(gate.tauEma).toBeCloseTo(ref, 12);
      const expected = i + 1 < 3 ? 0 : Math.min(1, Math.max(0, ref! / 0.25));
      expect(trust).toBeCloseTo(expected, 12);
      expect(gate.trust).toBe(trust);
      expect(gate.lastTau).toBe(tau);
    });
    expect(gate.rounds).toBe(7);
  });

  it('hand-computed: τ 0.1 then 0.2 then 0.3 → EMA 0.1, 0.12, 0.156 → trust 0, 0, 0.624', () => {
    const gate = new TrustGate();
    expect(gate.update(0.1)).toBe(0);
    expect(gate.update(0.2)).toBe(0);
    expect(gate.update(0.3)).toBeCloseTo(0.624, 12);
    expect(gate.tauEma).toBeCloseTo(0.156, 12);
  });

  it('is 0 before any τ and honours custom options', () => {
    const gate = new TrustGate({ ema: 0.5, ref: 0.5, warmupRounds: 0 });
    expect(gate.trust).toBe(0);
    expect(gate.update(null)).toBe(0);
    expect(gate.update(0.2)).toBeCloseTo(0.4, 12);
    expect(gate.update(0.4)).toBeCloseTo(0.6, 12);
  });

  it('round-trips its state through JSON', () => {
    const gate = new TrustGate({ warmupRounds: 1 });
    [null, 0.3, 0.1].forEach((t) => gate.update(t));
    const copy = TrustGate.fromState(JSON.parse(JSON.stringify(gate.getState())));
    expect(copy.getState()).toEqual(gate.getState());
    expect(copy.update(0.2)).toBe(gate.update(0.2));
  });

  it('rejects bad options, τ and states with clear errors', () => {
    expect(() => new TrustGate({ ema: 0 })).toThrow(/'options.ema' passed to TrustGate must be a number in \(0, 1\], got 0/);
    expect(() => new TrustGate({ warmupRounds: 1.5 })).toThrow(/warmupRounds/);
    expect(() => new TrustGate().update(Number.NaN)).toThrow(/'tau'/);
    expect(() => new TrustGate().setState({ rounds: -1 } as never)).toThrow(/FormatError|expected/);
    expect(() => new TrustGate().setState({ ...new TrustGate({ ref: 0.3 }).getState() })).toThrow(/ref 0.3/);
  });
});
