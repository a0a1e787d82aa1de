import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from './errors.js';

/** What a slice of φ is: the value function's `set` encoder reads FiLM segments as tokens. */
export type SegmentKind = 'film-scale' | 'film-shift' | 'head-kernel' | 'head-bias' | 'custom';
/** Every SegmentKind, in that order. */
export const SEGMENT_KINDS: readonly SegmentKind[] = Object.freeze(['film-scale', 'film-shift', 'head-kernel', 'head-bias', 'custom']);

/** One variable's place in the flat vector φ. */
export interface ParamSegment {
  name: string;
  kind: SegmentKind;
  /** The layer a FiLM segment modulates. */
  layer?: string;
  /** Relative depth of that layer in the network, in (0, 1]. */
  depth?: number;
  offset: number;
  size: number;
  shape: number[];
  /** Normalising scale s: the RMS of the initial values, or 1 when they are all zero. */
  scale: number;
}

/** The serialisable description of a parameter view: what a saved value function checks against. */
export interface ParamLayout {
  size: number;
  segments: ParamSegment[];
}

/**
 * A compact set of trainable variables φ and their flat, normalised view δ = (φ − φ₀) / s.
 * The view does not own its variables (the model does); it owns nothing to dispose.
 */
export class ParamView {
  readonly variables: tf.Variable[];
  readonly segments: ParamSegment[];
  readonly size: number;
  /** φ₀, the values when the view was made. */
  readonly phi0: Float32Array;
  /** The scale s of every coordinate. */
  readonly scales: Float32Array;
  /** The name of the first layer that φ changes; everything below it is frozen and may be cached. */
  readonly boundary: string | null;

  constructor(
    entries: { variable: tf.Variable; kind: SegmentKind; layer?: string; depth?: number }[],
    boundary: string | null = null,
  ) {
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new InvalidArgumentError('ParamView', 'entries', 'a non-empty list of variables', describe(entries));
    }
    this.variables = [];
    this.segments = [];
    let offset = 0;
    const values: Float32Array[] = [];
    for (const e of entries) {
      const v = e.variable;
      if (!(v instanceof tf.Variable)) {
        throw new InvalidArgumentError('ParamView', 'variable', 'a tf.Variable', describe(v));
      }
      if (v.dtype !== 'float32') {
        throw new InvalidArgumentError('ParamView', `variable ${v.name}`, 'dtype float32', v.dtype);
      }
      const data = v.dataSync() as Float32Array;
      let ss = 0;
      for (let i = 0; i < data.length; i++) ss += data[i]! * data[i]!;
      const rms = Math.sqrt(ss / Math.max(1, data.length));
      const segment: ParamSegment = {
        name: v.name,
        kind: e.kind,
        offset,
        size: v.size,
        shape: v.shape.slice(),
        scale: rms > 1e-6 ? rms : 1,
      };
      if (e.layer !== undefined) segment.layer = e.layer;
      if (e.depth !== undefined) segment.depth = e.depth;
      this.variables.push(v);
      this.segments.push(segment);
      values.push(Float32Array.from(data));
      offset += v.size;
    }
    this.size = offset;
    this.boundary = boundary;
    this.phi0 = new Float32Array(offset);
    this.scales = new Float32Array(offset);
    this.segments.forEach((s, i) => {
      this.phi0.set(values[i]!, s.offset);
      this.scales.fill(s.scale, s.offset, s.offset + s.size);
    });
  }

  get layout(): ParamLayout {
    return { size: this.size, segments: this.segments.map((s) => ({ ...s, shape: s.shape.slice() })) };
  }

  /** The current φ, flat. */
  read(): Float32Array {
    const out = new Float32Array(this.size);
    this.segments.forEach((s, i) => out.set(this.variables[i]!.dataSync() as Float32Array, s.offset));
    return out;
  }

  /** Sets every variable from a flat φ. */
  write(phi: Float32Array): void {
    this.checkFlat('ParamView.write', 'phi', phi);
    this.segments.forEach((s, i) => {
      const v = this.variables[i]!;
      tf.tidy(() => v.assign(tf.tensor(phi.subarray(s.offset, s.offset + s.size), s.shape, 'float32')));
    });
  }

  /** δ = (φ − φ₀) / s for a flat φ (the current one when omitted). */
  toDelta(phi: Float32Array = this.read()): Float32Array {
    this.checkFlat('ParamView.toDelta', 'phi', phi);
    const d = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) d[i] = (phi[i]! - this.phi0[i]!) / this.scales[i]!;
    return d;
  }

  /** φ = φ₀ + s·δ. */
  fromDelta(delta: ArrayLike<number>): Float32Array {
    this.checkFlat('ParamView.fromDelta', 'delta', delta);
    const p = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) p[i] = this.phi0[i]! + this.scales[i]! * delta[i]!;
    return p;
  }

  /** The current δ. */
  delta(): Float32Array {
    return this.toDelta(this.read());
  }

  /** Sets φ from δ. */
  setDelta(delta: ArrayLike<number>): void {
    this.write(this.fromDelta(delta));
  }

  /** A gradient with respect to δ, expressed with respect to φ (∂/∂φ = ∂/∂δ / s). */
  deltaGradToPhi(gradDelta: ArrayLike<number>): Float32Array {
    this.checkFlat('ParamView.deltaGradToPhi', 'gradDelta', gradDelta);
    const g = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) g[i] = gradDelta[i]! / this.scales[i]!;
    return g;
  }

  /** Splits a flat vector into one tensor per variable, keyed by variable name (the shape tf.train optimizers take). */
  unflatten(flat: ArrayLike<number>): tf.NamedTensorMap {
    this.checkFlat('ParamView.unflatten', 'flat', flat);
    const src = flat instanceof Float32Array ? flat : Float32Array.from(flat as ArrayLike<number>);
    const out: tf.NamedTensorMap = {};
    this.segments.forEach((s) => {
      out[s.name] = tf.tensor(src.slice(s.offset, s.offset + s.size), s.shape, 'float32');
    });
    return out;
  }

  /** Concatenates per-variable tensors (keyed by variable name) into one flat vector; a missing one counts as zeros. */
  flatten(tensors: tf.NamedTensorMap): Float32Array {
    const out = new Float32Array(this.size);
    for (const s of this.segments) {
      const t = tensors[s.name];
      if (t === undefined) continue;
      if (t.size !== s.size) {
        throw new InvalidArgumentError('ParamView.flatten', `tensors['${s.name}']`, `size ${s.size}`, describe(t));
      }
      out.set(t.dataSync() as Float32Array, s.offset);
    }
    return out;
  }

  private checkFlat(fn: string, arg: string, v: ArrayLike<number>): void {
    if (v === null || typeof v !== 'object' || typeof v.length !== 'number' || v.length !== this.size) {
      throw new InvalidArgumentError(fn, arg, `a flat vector of length ${this.size}`, describe(v));
    }
  }
}
