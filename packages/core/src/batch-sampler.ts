import type { Rng } from './rng.js';

export interface BatchSamplerState {
  perm: number[];
  pos: number;
}

/** Batches of indices without replacement, reshuffled each epoch from a seeded generator; its state is saved with checkpoints. */
export class BatchSampler {
  private perm: Int32Array;
  private pos: number;

  constructor(readonly size: number, readonly batchSize: number, private readonly rng: Rng) {
    this.perm = rng.permutation(size);
    this.pos = 0;
  }

  next(): Int32Array {
    const b = Math.min(this.batchSize, this.size);
    if (this.pos + b > this.size) {
      this.perm = this.rng.permutation(this.size);
      this.pos = 0;
    }
    const out = this.perm.slice(this.pos, this.pos + b);
    this.pos += b;
    return out;
  }

  getState(): BatchSamplerState {
    return { perm: Array.from(this.perm), pos: this.pos };
  }

  setState(state: BatchSamplerState): void {
    this.perm = Int32Array.from(state.perm);
    this.pos = state.pos;
  }
}
