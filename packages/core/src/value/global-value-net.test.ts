import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '../errors.js';
import type { ObservationRound } from '../observation.js';
import { Rng } from '../rng.js';
import { GlobalValueNet } from './global-value-net.js';
import { kendallTau } from './kendall-tau.js';
import { MlpEncoder } from './mlp-encoder.js';
import { SetEncoder } from './set-encoder.js';
import { filmLayout, landscapeRounds } from './synthetic-rounds.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-vnet-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const layout = filmLayout([{ layer: 'b1', channels: 4, depth: 0.5 }, { layer: 'b2', channels: 4, depth: 1 }], 6);
const metric = { name: 'balanced-error', higherIsBetter: false };

/** A landscape a set encoder can represent: per-layer targets for γ−1 and β, shared by the layer's channels (head ignored). */
function data(seed: number, rounds = 30): ObservationRound[] {
  const rng = new Rng(seed);
  const target = [0.5, -0.3, -0.4, 0.6];
  const f = (x: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < 16; i++) s -= (x[i]! - target[i >> 2]!) ** 2;
    return s;
  };
  const grad = (x: ArrayLike<number>) => Float64Array.from({ length: layout.size }, (_, i) => (i < 16 ? -2 * (x[i]! - target[i >> 2]!) : 0));
  return landscapeRounds({ f, grad, dim: layout.size, rounds, rng, noise: 0.02, sigma: 0.2, step: 0.05 });
}

const makeNet = (kind: 'mlp' | 'set', steps = 60) =>
  new GlobalValueNet({
    encoder: kind === 'mlp' ? new MlpEncoder({ layout, hidden: [16], rng: new Rng(1) }) : new SetEncoder({ layout, tokenHidden: [8], headHidden: [8], rng: new Rng(1) }),
    metric,
    rng: new Rng(2),
    steps,
    learningRate: 1e-2,
    batchRounds: 8,
  });

const meanTau = (net: GlobalValueNet, rounds: ObservationRound[]) => rounds.reduce((s, r) => s + kendallTau(net.predictRaw(r.deltas), r.scores), 0) / rounds.length;

describe('GlobalValueNet', () => {
  it.each(['mlp', 'set'] as const)('%s: the ranking loss teaches it to order held-out rounds; calibration is the least-squares scale', (kind) => {
    const rounds = data(3, 40);
    const net = makeNet(kind, 80);
    const before = tf.memory().numTensors;
    const tau0 = meanTau(net, rounds.slice(30));
    const res = net.train(rounds.slice(0, 30));
    expect(tf.memory().numTensors).toBe(before);
    expect(res.steps).toBe(80);
    expect(res.pairs).toBe(30 * 36);
    expect(res.loss).toBeLessThan(Math.log(2));
    const tau1 = meanTau(net, rounds.slice(30));
    expect(tau1).toBeGreaterThan(0.2);
    expect(tau1).toBeGreaterThan(tau0);
    // Calibration: Σ dV·dS / Σ dV² over within-round differences, with V from predictRaw.
    let num = 0;
    let den = 0;
    for (const r of rounds.slice(0, 30)) {
      const v = net.predictRaw(r.deltas);
      for (let i = 1; i < v.length; i++) {
        num += (v[i]! - v[0]!) * (r.scores[i]! - r.scores[0]!);
        den += (v[i]! - v[0]!) ** 2;
      }
    }
    expect(res.calibration).toBeCloseTo(num / den, 6);
    expect(res.calibration).toBeGreaterThan(0);
    const p = net.predict(rounds[0]!.deltas);
    const raw = net.predictRaw(rounds[0]!.deltas);
    p.forEach((v, i) => expect(v).toBeCloseTo(raw[i]! * res.calibration, 8));
    net.dispose();
  });

  it.each(['mlp', 'set'] as const)('%s: gradient matches central finite differences of predict, without leaking tensors', (kind) => {
    const rounds = data(4, 10);
    const net = makeNet(kind, 20);
    net.train(rounds);
    const x = rounds[9]!.deltas[0]!;
    const before = tf.memory().numTensors;
    const g = net.gradient(x);
    expect(tf.memory().numTensors).toBe(before);
    const h = 1e-2;
    const scale = Math.max(...Array.from(g, Math.abs));
    for (const i of [0, 5, 9, layout.size - 1]) {
      const xp = Float32Array.from(x);
      const xm = Float32Array.from(x);
      xp[i] = xp[i]! + h;
      xm[i] = xm[i]! - h;
      const [vp, vm] = net.predict([xp, xm]);
      expect(Math.abs(g[i]! - (vp! - vm!) / (xp[i]! - xm[i]!))).toBeLessThan(2e-3 * scale + 1e-6);
    }
    if (kind === 'set') expect(g[layout.size - 1]).toBe(0);
    net.dispose();
  });

  it('sets the input scale from the first training data and keeps it', () => {
    const rounds = data(5, 6);
    const net = makeNet('mlp', 2);
    expect(net.inputScale).toBeNull();
    net.train(rounds);
    let ss = 0;
    let n = 0;
    for (const r of rounds) for (const d of r.deltas) for (const v of d) (ss += v * v), n++;
    expect(net.inputScale).toBeCloseTo(Math.sqrt(ss / n), 10);
    net.train(data(6, 3));
    expect(net.inputScale).toBeCloseTo(Math.sqrt(ss / n), 10);
    net.dispose();
  });

  it('getState/setState continue training exactly', () => {
    const rounds = data(7, 12);
    const a = makeNet('mlp', 10);
    a.train(rounds.slice(0, 6));
    const b = makeNet('mlp', 10);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    a.train(rounds);
    b.train(rounds);
    expect(Array.from(b.gradient(rounds[3]!.deltas[1]!))).toEqual(Array.from(a.gradient(rounds[3]!.deltas[1]!)));
    a.dispose();
    b.dispose();
  });

  describe('save and load', () => {
    it.each(['mlp', 'set'] as const)('%s: round-trips predictions, writes tfjs artifacts and metadata, leaves no temp files', async (kind) => {
      const rounds = data(8, 8);
      const net = makeNet(kind, 10);
      net.train(rounds);
      const dir = join(root, `round-trip-${kind}`);
      await net.save(dir);
      expect((await readdir(dir)).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
      const meta = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
      expect(meta).toMatchObject({ formatVersion: 1, encoder: net.encoder.getConfig(), layout, metric, calibration: net.calibration, normalisation: { inputScale: net.inputScale } });
      // The weights are readable by tfjs itself.
      const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const bin = await readFile(join(dir, 'weights.bin'));
      const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), model.weightsManifest[0].weights);
      net.encoder.weightNames.forEach((name, i) => expect(Array.from(decoded[name]!.dataSync())).toEqual(Array.from(net.encoder.variables[i]!.dataSync())));
      tf.dispose(decoded);
      const loaded = await GlobalValueNet.load(dir, { layout, metric });
      const points = rounds[7]!.deltas;
      expect(Array.from(loaded.predict(points))).toEqual(Array.from(net.predict(points)));
      expect(Array.from(loaded.gradient(points[0]!))).toEqual(Array.from(net.gradient(points[0]!)));
      expect(loaded.metric).toEqual(metric);
      net.dispose();
      loaded.dispose();
    });

    it('a set net loads for another FiLM layout (transfer); an mlp net does not', async () => {
      const other = filmLayout([{ layer: 'c1', channels: 6 }, { layer: 'c2', channels: 3 }, { layer: 'c3', channels: 2 }], 3);
      for (const kind of ['set', 'mlp'] as const) {
        const net = makeNet(kind, 5);
        net.train(data(9, 4));
        const dir = join(root, `transfer-${kind}`);
        await net.save(dir);
        if (kind === 'set') {
          const loaded = await GlobalValueNet.load(dir, { layout: other });
          expect(loaded.layout).toEqual(other);
          expect(loaded.predict([new Rng(1).normals(other.size)])[0]).toEqual(expect.any(Number));
          loaded.dispose();
        } else {
          await expect(GlobalValueNet.load(dir, { layout: other })).rejects.toThrow(/'expect.layout' passed to GlobalValueNet.load must be the saved mlp net's layout \(size 22\), got size 25/);
        }
        net.dispose();
      }
    });

    it('refuses a different metric, direction or layout with InvalidArgumentError, and broken files with FormatError', async () => {
      const net = makeNet('mlp', 3);
      net.train(data(10, 3));
      const dir = join(root, 'refuse');
      await net.save(dir);
      const before = tf.memory().numTensors;
      const refuse = async (expectArg: Parameters<typeof GlobalValueNet.load>[1], pattern: RegExp, cls: typeof InvalidArgumentError | typeof FormatError = InvalidArgumentError, where = dir) => {
        const err = await GlobalValueNet.load(where, expectArg).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(cls);
        expect((err as Error).message).toMatch(pattern);
      };
      await refuse({ metric: { name: 'error-rate', higherIsBetter: false } }, /'expect.metric' .* must be the saved net's metric 'balanced-error' \(lower is better\), got 'error-rate'/);
      await refuse({ metric: { name: 'balanced-error', higherIsBetter: true } }, /got 'balanced-error' \(higher is better\)/);
      const shifted = { ...layout, segments: layout.segments.map((s) => (s.kind === 'head-kernel' ? { ...s, kind: 'custom' as const } : s)) };
      await refuse({ layout: shifted }, /segment 4: head-kernel at 16, size 6, shape \[6\]\), got segment 4: custom at 16/);
      await refuse({ layout: filmLayout([{ layer: 'other', channels: 11 }]) }, /must be the saved mlp net's layout \(5 segments\), got 2 segments/);
      // A set net needs FiLM segments in the new layout.
      const setNet = makeNet('set', 2);
      const setDir = join(root, 'refuse-set');
      await setNet.save(setDir);
      setNet.dispose();
      const headOnly = { size: 4, segments: [{ name: 'k', kind: 'head-kernel' as const, offset: 0, size: 4, shape: [4], scale: 1 }] };
      await refuse({ layout: headOnly }, /'expect.layout' passed to GlobalValueNet.load must be a layout with FiLM segments/, InvalidArgumentError, setDir);
      // Broken or missing files.
      await refuse({}, /metadata.json: missing/, FormatError, join(root, 'nothing-here'));
      const copy = async (name: string, edit: (files: Record<string, Buffer>) => void) => {
        const d = join(root, name);
        await net.save(d);
        const files: Record<string, Buffer> = {};
        for (const f of await readdir(d)) files[f] = await readFile(join(d, f));
        edit(files);
        await rm(d, { recursive: true });
        await net.save(d);
        for (const [f, b] of Object.entries(files)) await writeFile(join(d, f), b);
        for (const f of await readdir(d)) if (!(f in files)) await rm(join(d, f));
        return d;
      };
      const meta = (edit: (m: Record<string, unknown>) => void) => (files: Record<string, Buffer>) => {
        const m = JSON.parse(files['metadata.json']!.toString());
        edit(m);
        files['metadata.json'] = Buffer.from(JSON.stringify(m));
      };
      await refuse({}, /metadata.json: not valid JSON/, FormatError, await copy('bad-json', (f) => (f['metadata.json'] = Buffer.from('{"format":'))));
      await refuse({}, /format version 99 is not supported/, FormatError, await copy('bad-version', meta((m) => (m.formatVersion = 99))));
      await refuse({}, /encoder.kind must be one of 'mlp', 'set', got "transformer"/, FormatError, await copy('bad-kind', meta((m) => ((m.encoder as { kind: string }).kind = 'transformer'))));
      await refuse({}, /not a saved GlobalValueNet/, FormatError, await copy('bad-format', meta((m) => (m.format = 'layers-model'))));
      await refuse({}, /weights.bin: too short/, FormatError, await copy('short-bin', (f) => (f['weights.bin'] = f['weights.bin']!.subarray(0, 100))));
      await refuse({}, /weights.bin: missing/, FormatError, await copy('no-bin', (f) => delete f['weights.bin']));
      await refuse({}, /holds \d+ bytes, the manifest describes/, FormatError, await copy('long-bin', (f) => (f['weights.bin'] = Buffer.concat([f['weights.bin']!, Buffer.alloc(8)]))));
      await refuse({}, /weight 'mlp\/0\/kernel' must hold 374 float32 values, got a Float32Array of length 352/, FormatError, await copy('wrong-hidden', meta((m) => ((m.encoder as { hidden: number[] }).hidden = [17]))));
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
    });
  });

  it('rejects bad arguments naming them', () => {
    expect(() => new GlobalValueNet({ encoder: {} as never })).toThrow(/'options.encoder' passed to GlobalValueNet must be a ValueEncoder/);
    const net = makeNet('mlp', 1);
    expect(() => net.gradient([1, 2])).toThrow(/'delta' passed to GlobalValueNet.gradient must be a flat vector of length 22/);
    expect(() => net.predict([new Float32Array(3)])).toThrow(/'points\[0\]'/);
    expect(() => net.train([{ round: 0, step: 0, deltas: [new Float32Array(22)], metrics: [1, 2], scores: [1, 2], wholeSplit: true }])).toThrow(/'rounds\[0\]'/);
    net.dispose();
  });
});
