import { FormatError, InvalidArgumentError, describe } from '../errors.js';
import { ObservationBuffer, deserializeRound, serializeRound, type ObservationRound, type SerializedRound } from '../observation.js';
import { GlobalValueNet, type GlobalValueNetState } from './global-value-net.js';
import { kendallTau } from './kendall-tau.js';
import { LocalGP, type LocalGPOptions, type SurrogateFitOptions } from './local-gp.js';
import { TrustGate, type TrustGateState, type TrustOptions } from './trust.js';
import { checkValueFunctionState } from './value-function-state.js';

export interface ValueFunctionOptions {
  /** The local GP's options, or false for none (default: a GP with its defaults). Its prior is the global net. */
  local?: Omit<LocalGPOptions, 'prior'> | false;
  /** A (meta-trained) global network: the GP's prior mean. The ValueFunction owns it from here on and disposes it. */
  global?: GlobalValueNet | null;
  trust?: TrustOptions;
  /** Retrain the global net on the buffer after every round (default false: it stays as given). */
  trainGlobalOnline?: boolean | { steps?: number };
  /** Rounds kept (default: the GP's window, 30). */
  bufferRounds?: number;
  /** How the surrogate weights are fitted (see LocalGP.fit): a ridge and a sign constraint per surrogate. */
  surrogate?: SurrogateFitOptions;
  /**
   * Which of a new round's points τ ranks: `all` (default) or `perturbations` — the centre left out,
   * for a V that does not model the centre (an antithetic GP).
   */
  scoreOn?: 'all' | 'perturbations';
}

export interface ValueFunctionState {
  format: 'metricopt-value-function';
  version: 1;
  rounds: SerializedRound[];
  trust: TrustGateState;
  /** The global net's weights and calibration, only when it trains online (otherwise it never changes). */
  global: GlobalValueNetState | null;
  /** Each kept round's surrogate slopes (see addRound), aligned with `rounds`; absent when none were given. */
  slopes?: (number[][] | null)[];
}

/** Wall time spent in the value function (milliseconds). */
export interface ValueFunctionTimings {
  /** The last refit: the GP fit, plus the global net's training when it trains online. */
  lastFitMs: number;
  fitMs: number;
  fits: number;
  /** Scoring new rounds out of sample (predictions and Kendall τ). */
  scoreMs: number;
  gradientMs: number;
  gradientCalls: number;
}

/**
 * The value function V = V_global + V_local of METHOD.md §3: a local GP on within-round
 * differences (steering), an optional global network as its prior mean, and a trust gate fed
 * with V's out-of-sample Kendall τ on every new round before V sees it.
 *
 * ```ts
 * const value = new ValueFunction();                      // GP only, trust defaults
 * const { tau, trust } = value.addRound(round);           // τ null on the first round, trust 0 while warming up
 * const g = value.gradient(params.delta());               // ascent direction of V in δ
 * const resumed = new ValueFunction();
 * resumed.setState(JSON.parse(JSON.stringify(value.getState())));   // same gradients from here on
 * ```
 */
export class ValueFunction {
  readonly local: LocalGP | null;
  readonly global: GlobalValueNet | null;
  readonly gate: TrustGate;
  readonly trainGlobalOnline: { steps?: number } | null;
  readonly scoreOn: 'all' | 'perturbations';
  surrogate: SurrogateFitOptions;
  private buffer: ObservationBuffer;
  private slopes = new Map<ObservationRound, Float64Array[]>();
  private times: ValueFunctionTimings = { lastFitMs: 0, fitMs: 0, fits: 0, scoreMs: 0, gradientMs: 0, gradientCalls: 0 };

  constructor(options: ValueFunctionOptions = {}) {
    const global = options.global ?? null;
    if (global !== null && !(global instanceof GlobalValueNet)) {
      throw new InvalidArgumentError('ValueFunction', 'options.global', 'a GlobalValueNet or null', describe(global));
    }
    this.global = global;
    const local = options.local ?? {};
    if (local !== false && (typeof local !== 'object' || local === null)) {
      throw new InvalidArgumentError('ValueFunction', 'options.local', 'LocalGP options or false', describe(local));
    }
    this.local = local === false ? null : new LocalGP({ ...local, prior: global });
    this.gate = new TrustGate(options.trust);
    const online = options.trainGlobalOnline ?? false;
    this.trainGlobalOnline = online === false ? null : online === true ? {} : { ...online };
    if (this.trainGlobalOnline !== null && global === null) {
      throw new InvalidArgumentError('ValueFunction', 'options.trainGlobalOnline', 'false when there is no global net', describe(online));
    }
    this.buffer = new ObservationBuffer(options.bufferRounds ?? this.local?.window ?? 30);
    const scoreOn = options.scoreOn ?? 'all';
    if (scoreOn !== 'all' && scoreOn !== 'perturbations') {
      throw new InvalidArgumentError('ValueFunction', 'options.scoreOn', "'all' or 'perturbations'", describe(scoreOn));
    }
    this.scoreOn = scoreOn;
    this.surrogate = { ...options.surrogate };
  }

  /** Trust in V's gradient, in [0, 1]. */
  get trust(): number {
    return this.gate.trust;
  }

  get tauEma(): number | null {
    return this.gate.tauEma;
  }

  /** Rounds added so far (including those the buffer has dropped). */
  get rounds(): number {
    return this.gate.rounds;
  }

  /** The rounds V is fitted on (the latest `bufferRounds`). */
  get observations(): readonly ObservationRound[] {
    return this.buffer.rounds;
  }

  get lastFitMs(): number {
    return this.times.lastFitMs;
  }

  get timings(): ValueFunctionTimings {
    return { ...this.times };
  }

  /**
   * Adds a round: scores the current V on it out of sample (Kendall τ between V at the round's
   * points and their scores; null for the first round), updates trust, then refits V with it.
   */
  addRound(
    round: ObservationRound,
    options: { surrogateSlopes?: readonly ArrayLike<number>[]; surrogateFit?: SurrogateFitOptions } = {},
  ): { tau: number | null; trust: number } {
    // A scratch buffer checks the round before anything changes.
    new ObservationBuffer(1).push(round);
    const dim = this.buffer.rounds[0]?.deltas[0]?.length ?? this.global?.encoder.inputSize;
    if (dim !== undefined && round.deltas[0]!.length !== dim) {
      throw new InvalidArgumentError('ValueFunction.addRound', 'round.deltas', `points of dimension ${dim}`, describe(round.deltas[0]));
    }
    const given = options.surrogateSlopes;
    if (given !== undefined && (!Array.isArray(given) || given.some((v) => v?.length !== round.deltas[0]!.length))) {
      throw new InvalidArgumentError('ValueFunction.addRound', 'options.surrogateSlopes', `vectors of length ${round.deltas[0]!.length}`, describe(given));
    }
    let tau: number | null = null;
    if (this.gate.rounds > 0) {
      const t0 = performance.now();
      const from = this.scoreOn === 'perturbations' && round.deltas.length > 2 ? 1 : 0;
      const points = round.deltas.slice(from);
      const predicted = this.predict(points);
      const weights = this.surrogateWeights;
      const slopes = options.surrogateSlopes;
      if (slopes !== undefined && weights.length === slopes.length && weights.some((c) => c !== 0)) {
        const c = round.deltas[0]!;
        points.forEach((x, i) => {
          let v = 0;
          slopes.forEach((slope, m) => {
            if (weights[m] === 0) return;
            for (let k = 0; k < x.length; k++) v += weights[m]! * slope[k]! * (x[k]! - c[k]!);
          });
          predicted[i] = predicted[i]! + v;
        });
      }
      tau = kendallTau(predicted, round.scores.slice(from));
      this.times.scoreMs += performance.now() - t0;
    }
    const trust = this.gate.update(tau);
    if (options.surrogateSlopes !== undefined) this.slopes.set(round, options.surrogateSlopes.map((v) => Float64Array.from(v)));
    if (options.surrogateFit !== undefined) this.surrogate = { ...options.surrogateFit };
    this.buffer.push(round);
    this.pruneSlopes();
    this.refit();
    return { tau, trust };
  }

  /** ∇δ V: the ascent direction of V in normalised coordinates (zeros before any fit, or the global net's alone). */
  gradient(delta: ArrayLike<number>): Float64Array {
    if (delta === null || typeof delta !== 'object' || typeof delta.length !== 'number') {
      throw new InvalidArgumentError('ValueFunction.gradient', 'delta', 'a flat vector', describe(delta));
    }
    const t0 = performance.now();
    const g = this.local !== null ? this.local.gradient(delta) : this.global !== null ? this.global.gradient(delta) : new Float64Array(delta.length);
    this.times.gradientMs += performance.now() - t0;
    this.times.gradientCalls++;
    return g;
  }

  /** The fitted weights c_m of the surrogates in V = Σ c_m·S_m + GP residual (empty when no slopes were given). */
  get surrogateWeights(): number[] {
    return this.local?.hyperparameters?.surrogateWeights ?? [];
  }

  /** V at each point, in score units up to a constant (without the surrogate part c·S). */
  predict(points: Float32Array[]): Float64Array {
    if (this.local !== null) return this.local.predict(points);
    if (this.global !== null) return this.global.predict(points);
    if (!Array.isArray(points)) throw new InvalidArgumentError('ValueFunction.predict', 'points', 'an array of Float32Arrays', describe(points));
    return new Float64Array(points.length);
  }

  /** Everything needed to resume exactly: the buffer, the trust gate, and the global net when it trains online. */
  getState(): ValueFunctionState {
    return {
      format: 'metricopt-value-function',
      version: 1,
      rounds: this.buffer.rounds.map(serializeRound),
      trust: this.gate.getState(),
      global: this.trainGlobalOnline !== null ? this.global!.getState() : null,
      ...(this.slopes.size > 0
        ? { slopes: this.buffer.rounds.map((r) => (this.slopes.has(r) ? this.slopes.get(r)!.map((v) => Array.from(v)) : null)) }
        : {}),
    };
  }

  /** Restores a state from getState (same options), then refits the GP from the restored buffer. */
  setState(state: ValueFunctionState, source = 'value function state'): void {
    checkValueFunctionState(state, source);
    const s = state as Partial<ValueFunctionState> | null;
    if (typeof s !== 'object' || s === null || s.format !== 'metricopt-value-function' || s.version !== 1 || !Array.isArray(s.rounds)) {
      throw new FormatError(source, "expected {format: 'metricopt-value-function', version: 1, rounds, trust, global}");
    }
    if ((s.global ?? null) !== null && this.trainGlobalOnline === null) {
      throw new FormatError(source, 'holds a global net trained online, but this value function does not train one online');
    }
    if ((s.global ?? null) === null && this.trainGlobalOnline !== null) {
      throw new FormatError(source, 'holds no global net state, but this value function trains its global net online');
    }
    const buffer = new ObservationBuffer(this.buffer.capacity);
    s.rounds.forEach((r, i) => buffer.push(deserializeRound(r, `${source}: rounds[${i}]`)));
    const gate = new TrustGate({ ema: this.gate.ema, ref: this.gate.ref, warmupRounds: this.gate.warmupRounds, fixed: this.gate.fixed });
    gate.setState(s.trust as TrustGateState, `${source}: trust`);
    if (s.global) this.global!.setState(s.global, `${source}: global`);
    this.gate.setState(gate.getState());
    this.buffer = buffer;
    this.slopes = new Map();
    if (Array.isArray(s.slopes)) {
      if (s.slopes.length !== buffer.rounds.length) throw new FormatError(source, `slopes: expected ${buffer.rounds.length} entries, one per round`);
      s.slopes.forEach((v, i) => {
        if (v !== null) this.slopes.set(buffer.rounds[i]!, v.map((x) => Float64Array.from(x)));
      });
    }
    this.local?.invalidatePrior();
    this.fitLocal();
  }

  /** Disposes the global net (the only tensors a value function owns). */
  dispose(): void {
    this.global?.dispose();
  }

  private refit(): void {
    const t0 = performance.now();
    if (this.trainGlobalOnline !== null) {
      this.global!.train(this.buffer.rounds, this.trainGlobalOnline);
      this.local?.invalidatePrior();
    }
    this.fitLocal();
    const ms = performance.now() - t0;
    this.times.lastFitMs = ms;
    this.times.fitMs += ms;
    this.times.fits++;
  }

  private fitLocal(): void {
    if (this.local === null) return;
    if (this.slopes.size === 0) this.local.fit(this.buffer.rounds);
    else this.local.fit(this.buffer.rounds, this.buffer.rounds.map((r) => this.slopes.get(r) ?? null), this.surrogate);
  }

  /** Forgets the slopes of rounds the buffer has dropped. */
  private pruneSlopes(): void {
    if (this.slopes.size === 0) return;
    const kept = new Set(this.buffer.rounds);
    for (const r of [...this.slopes.keys()]) if (!kept.has(r)) this.slopes.delete(r);
  }
}
