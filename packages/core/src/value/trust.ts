import { FormatError, InvalidArgumentError, describe } from '../errors.js';

export interface TrustOptions {
  /** Weight of the newest τ in the moving average (default 0.2). */
  ema?: number;
  /** The τ that earns full trust (default 0.25: even a perfect gradient scores only ≈ 0.25–0.3 on 9-point rounds). */
  ref?: number;
  /** Trust stays 0 until this many rounds have been seen (default 3). */
  warmupRounds?: number;
  /** A constant trust after warm-up instead of the τ gate (τ is still tracked): for ablations. */
  fixed?: number | null;
}

export interface TrustGateState {
  ema: number;
  ref: number;
  warmupRounds: number;
  rounds: number;
  tauEma: number | null;
  lastTau: number | null;
}

/**
 * How far to follow V: an exponential moving average of V's out-of-sample Kendall τ, scaled,
 * `trust = clip(τ_ema / ref, 0, 1)`, and 0 during the first `warmupRounds` rounds.
 *
 * ```ts
 * const gate = new TrustGate();
 * gate.update(null); gate.update(0.5); gate.update(0.5);   // → 1 (τ_ema 0.5 ≥ 0.25, warm-up over)
 * ```
 */
export class TrustGate {
  readonly ema: number;
  readonly ref: number;
  readonly warmupRounds: number;
  readonly fixed: number | null;
  private count = 0;
  private average: number | null = null;
  private last: number | null = null;

  constructor(options: TrustOptions = {}) {
    const ema = options.ema ?? 0.2;
    const ref = options.ref ?? 0.25;
    const warmup = options.warmupRounds ?? 3;
    if (!(ema > 0 && ema <= 1)) throw new InvalidArgumentError('TrustGate', 'options.ema', 'a number in (0, 1]', describe(ema));
    if (!(ref > 0) || !Number.isFinite(ref)) throw new InvalidArgumentError('TrustGate', 'options.ref', 'a positive finite number', describe(ref));
    if (!Number.isInteger(warmup) || warmup < 0) {
      throw new InvalidArgumentError('TrustGate', 'options.warmupRounds', 'a non-negative integer', describe(warmup));
    }
    this.ema = ema;
    this.ref = ref;
    this.warmupRounds = warmup;
    const fixed = options.fixed ?? null;
    if (fixed !== null && !(fixed >= 0 && fixed <= 1)) {
      throw new InvalidArgumentError('TrustGate', 'options.fixed', 'a number in [0, 1] or null', describe(fixed));
    }
    this.fixed = fixed;
  }

  /** Counts one round, with its out-of-sample τ (null when there was nothing to score it with); returns the new trust. */
  update(tau: number | null): number {
    if (tau !== null && (typeof tau !== 'number' || !(tau >= -1 && tau <= 1))) {
      throw new InvalidArgumentError('TrustGate.update', 'tau', 'a number in [-1, 1] or null', describe(tau));
    }
    this.count++;
    this.last = tau;
    if (tau !== null) this.average = this.average === null ? tau : (1 - this.ema) * this.average + this.ema * tau;
    return this.trust;
  }

  get trust(): number {
    if (this.fixed !== null) return this.count < this.warmupRounds || this.count === 0 ? 0 : this.fixed;
    if (this.count < this.warmupRounds || this.average === null) return 0;
    return Math.min(1, Math.max(0, this.average / this.ref));
  }

  get tauEma(): number | null {
    return this.average;
  }

  get lastTau(): number | null {
    return this.last;
  }

  /** Rounds counted so far. */
  get rounds(): number {
    return this.count;
  }

  getState(): TrustGateState {
    return { ema: this.ema, ref: this.ref, warmupRounds: this.warmupRounds, rounds: this.count, tauEma: this.average, lastTau: this.last };
  }

  /** Restores counts and averages (the options must match the state's: they are part of what it means). */
  setState(state: TrustGateState, source = 'trust gate state'): void {
    const s = state as Partial<TrustGateState> | null;
    const isTau = (v: unknown) => v === null || (typeof v === 'number' && v >= -1 && v <= 1);
    if (typeof s !== 'object' || s === null || !Number.isInteger(s.rounds) || (s.rounds as number) < 0 || !isTau(s.tauEma) || !isTau(s.lastTau)) {
      throw new FormatError(source, 'expected {ema, ref, warmupRounds, rounds: integer ≥ 0, tauEma: τ | null, lastTau: τ | null}');
    }
    if (s.ema !== this.ema || s.ref !== this.ref || s.warmupRounds !== this.warmupRounds) {
      throw new FormatError(source, `saved with ema ${s.ema}, ref ${s.ref}, warmupRounds ${s.warmupRounds}; this gate has ${this.ema}, ${this.ref}, ${this.warmupRounds}`);
    }
    this.count = s.rounds as number;
    this.average = s.tauEma as number | null;
    this.last = s.lastTau as number | null;
  }

  static fromState(state: TrustGateState, source = 'trust gate state'): TrustGate {
    const s = state as Partial<TrustGateState> | null;
    if (typeof s !== 'object' || s === null) throw new FormatError(source, 'expected an object');
    let gate: TrustGate;
    try {
      gate = new TrustGate({ ema: s.ema as number, ref: s.ref as number, warmupRounds: s.warmupRounds as number });
    } catch (err) {
      throw new FormatError(source, (err as Error).message, { cause: err });
    }
    gate.setState(state, source);
    return gate;
  }
}
