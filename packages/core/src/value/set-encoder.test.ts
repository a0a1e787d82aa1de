import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ParamLayout } from '../param-view.js';
import { Rng } from '../rng.js';
import { SetEncoder } from './set-encoder.js';
import { filmLayout } from './synthetic-rounds.js';


const gelu = (v: number) => v / (1 + Math.exp(-1.702 * v));

function dense(w: Float32Array[], first: number, layers: number, h: number[], activateLast: boolean): number[] {
  for (let l = 0; l < layers; l++) {
    const kernel = w[first + 2 * l]!;
    const out = Array.from(w[first + 2 * l + 1]!);
    for (let i = 0; i < h.length; i++) for (let j = 0; j < out.length; j++) out[j]! += h[i]! * kernel[i * out.length + j]!;
    h = l + 1 < layers || activateLast ? out.map(gelu) : out;
  }
  return h;
}

/** The set encoder by its definition: tokens per channel, token MLP, mean per layer, mean over layers, head MLP. */
function naiveForward(encoder: SetEncoder, layout: ParamLayout, x: Float32Array): number {
  const w = encoder.variables.map((v) => v.dataSync() as Float32Array);
  const tokenLayers = encoder.tokenHidden.length;
  const perLayer: number[][] = [];
  const layers = [...new Set(layout.segments.filter((s) => s.kind.startsWith('film')).map((s) => s.layer!))];
  layers.forEach((layer, li) => {
    const scale = layout.segments.find((s) => s.layer === layer && s.kind === 'film-scale');
    const shift = layout.segments.find((s) => s.layer === layer && s.kind === 'film-shift');
    const channels = (scale ?? shift)!.size;
    const depth = (scale ?? shift)!.depth ?? (li + 1) / layers.length;
    const sum = new Array<number>(encoder.tokenHidden.at(-1)!).fill(0);
    for (let c = 0; c < channels; c++) {
      const token = [scale ? x[scale.offset + c]! * scale.scale : 0, shift ? x[shift.offset + c]! * shift.scale : 0, depth];
      dense(w, 0, tokenLayers, token, true).forEach((v, k) => (sum[k]! += v / channels));
    }
    perLayer.push(sum);
  });
  const pooled = perLayer[0]!.map((_, k) => perLayer.reduce((s, p) => s + p[k]!, 0) / perLayer.length);
  return dense(w, 2 * tokenLayers, encoder.headHidden.length + 1, pooled, false)[0]!;
}

const apply = (encoder: SetEncoder, xs: Float32Array[]) =>
  tf.tidy(() => encoder.apply(tf.tensor2d(Float32Array.from(xs.flatMap((x) => Array.from(x))), [xs.length, encoder.inputSize])).dataSync());

describe('SetEncoder', () => {
  const layout = filmLayout([{ layer: 'b1', channels: 3, depth: 0.5 }, { layer: 'b2', channels: 5, depth: 1 }], 4);

  it('computes tokens [γ−1, β, depth], a token MLP, per-layer then cross-layer means and a head, as a naive loop does', () => {
    const encoder = new SetEncoder({ layout, tokenHidden: [4, 3], headHidden: [5], rng: new Rng(1) });
    const rng = new Rng(2);
    const xs = [rng.normals(layout.size), rng.normals(layout.size)];
    const before = tf.memory().numTensors;
    const got = apply(encoder, xs);
    expect(tf.memory().numTensors).toBe(before);
    xs.forEach((x, i) => expect(got[i]).toBeCloseTo(naiveForward(encoder, layout, x), 5));
    expect(encoder.groups.map((g) => [g.layer, g.channels, g.depth])).toEqual([['b1', 3, 0.5], ['b2', 5, 1]]);
    encoder.dispose();
  });

  it('uses the segment scale (γ−1 = s·δ), ignores non-FiLM segments, and is invariant to channel order', () => {
    const scaled: ParamLayout = { ...layout, segments: layout.segments.map((s) => (s.kind === 'film-shift' ? { ...s, scale: 2 } : s)) };
    const encoder = new SetEncoder({ layout: scaled, rng: new Rng(3) });
    const rng = new Rng(4);
    const x = rng.normals(layout.size);
    const headChanged = Float32Array.from(x);
    headChanged.fill(9, layout.size - 4);
    // Swap channels 0 and 2 of layer b1 in both its γ and β.
    const permuted = Float32Array.from(x);
    for (const off of [0, 3]) [permuted[off], permuted[off + 2]] = [x[off + 2]!, x[off]!];
    const [a, b, c] = apply(encoder, [x, headChanged, permuted]);
    expect(b).toBeCloseTo(a!, 6);
    expect(c).toBeCloseTo(a!, 6);
    expect(apply(encoder, [x])[0]).toBeCloseTo(naiveForward(encoder, scaled, x), 5);
    encoder.dispose();
  });

  it('reads any FiLM layout with the same weights (transfer), spreading missing depths evenly', () => {
    const a = new SetEncoder({ layout, rng: new Rng(5) });
    const weights = Object.fromEntries(a.weightNames.map((n, i) => [n, a.variables[i]!.dataSync() as Float32Array]));
    const other = filmLayout([{ layer: 'x', channels: 7 }, { layer: 'y', channels: 2 }, { layer: 'z', channels: 4 }]);
    const b = new SetEncoder({ layout: other, weights });
    expect(b.groups.map((g) => g.depth)).toEqual([1 / 3, 2 / 3, 1]);
    const x = new Rng(6).normals(other.size);
    expect(apply(b, [x])[0]).toBeCloseTo(naiveForward(b, other, x), 5);
    a.dispose();
    b.dispose();
  });

  it('rejects a layout without FiLM segments, or with mismatched γ and β', () => {
    const before = tf.memory().numTensors;
    const head = { size: 4, segments: [{ name: 'k', kind: 'head-kernel' as const, offset: 0, size: 4, shape: [4], scale: 1 }] };
    expect(() => new SetEncoder({ layout: head, rng: new Rng(1) })).toThrow(/'options.layout' passed to SetEncoder must be a layout with FiLM segments .*got segments of kinds head-kernel/);
    const bad = filmLayout([{ layer: 'b', channels: 3 }]);
    bad.segments[1] = { ...bad.segments[1]!, size: 2 };
    bad.size = 5;
    expect(() => new SetEncoder({ layout: bad, rng: new Rng(1) })).toThrow(/film-scale and film-shift of one size/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
