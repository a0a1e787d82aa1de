import { InvalidArgumentError } from './errors.js';

/**
 * A small seeded generator (sfc32) whose whole state is four uint32s, so a run can save and
 * restore it exactly. Every random choice in MetricOpt comes from one of these, passed in.
 *
 * ```ts
 * const rng = new Rng(1);
 * rng.next();   // 0.6270739405881613 (same on every machine)
 * ```
 */
export class Rng {
  private s: Uint32Array;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new InvalidArgumentError('Rng', 'seed', 'an integer', `${seed}`);
    // splitmix32 spreads the seed over the four words of state.
    let x = seed >>> 0;
    const word = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = new Uint32Array([word(), word(), word(), word()]);
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const s = this.s;
    const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('Rng.int', 'n', 'a positive integer', `${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, the spare value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of n standard normals. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = p[i]!;
      p[i] = p[j]!;
      p[j] = tmp;
    }
    return p;
  }

  /** An independent generator derived from this one (advances this one by one draw). */
  fork(): Rng {
    return new Rng(this.nextUint32() | 0);
  }

  getState(): RngState {
    return { s: Array.from(this.s), spare: this.spare };
  }

  setState(state: RngState): void {
    if (!Array.isArray(state?.s) || state.s.length !== 4) {
      throw new InvalidArgumentError('Rng.setState', 'state', 'an object {s: [4 uint32], spare}', JSON.stringify(state));
    }
    this.s = Uint32Array.from(state.s);
    this.spare = state.spare ?? null;
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }
}

export interface RngState {
  s: number[];
  spare: number | null;
}
