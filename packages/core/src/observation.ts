import { FormatError, InvalidArgumentError } from './errors.js';

/**
 * One observation round: the metric at the centre δ_t and at 2K antithetic points δ_t ± σ·ε_k,
 * all on the same data. `deltas[0]` is the centre, `deltas[1..K]` the + side, `deltas[K+1..2K]` the − side.
 */
export interface ObservationRound {
  round: number;
  step: number;
  deltas: Float32Array[];
  /** Raw metric values, as the metric returned them. */
  metrics: number[];
  /** The same values as scores, higher is better. */
  scores: number[];
  /** True when the round used the whole metric split (only such rounds select the best φ). */
  wholeSplit: boolean;
}

export interface SerializedRound {
  round: number;
  step: number;
  deltas: number[][];
  metrics: number[];
  scores: number[];
  wholeSplit: boolean;
}

/** A bounded buffer of the latest rounds (oldest dropped first); serialisable for checkpoints and meta-training. */
export class ObservationBuffer {
  private items: ObservationRound[] = [];

  constructor(readonly capacity = 30) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new InvalidArgumentError('ObservationBuffer', 'capacity', 'a positive integer', String(capacity));
    }
  }

  push(round: ObservationRound): void {
    checkRound(round, 'ObservationBuffer.push');
    this.items.push(round);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  get rounds(): readonly ObservationRound[] {
    return this.items;
  }

  get length(): number {
    return this.items.length;
  }

  clear(): void {
    this.items = [];
  }

  toJSON(): { capacity: number; rounds: SerializedRound[] } {
    return { capacity: this.capacity, rounds: this.items.map(serializeRound) };
  }

  static fromJSON(json: unknown, source = 'observation buffer'): ObservationBuffer {
    const j = json as { capacity?: unknown; rounds?: unknown };
    if (typeof j !== 'object' || j === null || !Number.isInteger(j.capacity) || !Array.isArray(j.rounds)) {
      throw new FormatError(source, 'expected {capacity: integer, rounds: [...]}');
    }
    const buf = new ObservationBuffer(j.capacity as number);
    for (const r of j.rounds) buf.push(deserializeRound(r, source));
    return buf;
  }
}

export function serializeRound(r: ObservationRound): SerializedRound {
  return { ...r, deltas: r.deltas.map((d) => Array.from(d)) };
}

export function deserializeRound(json: unknown, source = 'observation round'): ObservationRound {
  const r = json as SerializedRound;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.deltas) || !Array.isArray(r.scores) || !Array.isArray(r.metrics)) {
    throw new FormatError(source, 'expected a round {round, step, deltas, metrics, scores, wholeSplit}');
  }
  const round: ObservationRound = {
    round: Number(r.round),
    step: Number(r.step),
    deltas: r.deltas.map((d) => Float32Array.from(d)),
    metrics: r.metrics.map(Number),
    scores: r.scores.map(Number),
    wholeSplit: Boolean(r.wholeSplit),
  };
  try {
    checkRound(round, 'deserializeRound');
  } catch (err) {
    throw new FormatError(source, (err as Error).message);
  }
  return round;
}

function checkRound(r: ObservationRound, fn: string): void {
  const n = r.deltas.length;
  if (n < 1 || r.scores.length !== n || r.metrics.length !== n) {
    throw new InvalidArgumentError(fn, 'round', 'equal numbers of deltas, metrics and scores (at least 1)',
      `${n} deltas, ${r.metrics.length} metrics, ${r.scores.length} scores`);
  }
  const dim = r.deltas[0]!.length;
  if (r.deltas.some((d) => d.length !== dim)) {
    throw new InvalidArgumentError(fn, 'round.deltas', `points of one dimension (${dim})`, 'points of different lengths');
  }
  if (!r.scores.every(Number.isFinite) || !r.metrics.every(Number.isFinite)) {
    throw new InvalidArgumentError(fn, 'round.scores', 'finite numbers', 'a NaN or infinite value');
  }
}
