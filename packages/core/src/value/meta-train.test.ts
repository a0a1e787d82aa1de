import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { ParamLayout } from '../param-view.js';
import { Rng } from '../rng.js';
import { kendallTau } from './kendall-tau.js';
import { LAYOUTS, runs } from './meta-train.fixture.js';
import { metaTrainValueNet } from './meta-train.js';
import { SetEncoder } from './set-encoder.js';
import type { Trajectory } from './trajectory-store.js';

const meanTau = (predict: (p: Float32Array[]) => ArrayLike<number>, t: Trajectory[]) => {
  const taus = t.flatMap((x) => x.rounds.map((r) => kendallTau(predict(r.deltas), r.scores)));
  return taus.reduce((a, b) => a + b, 0) / taus.length;
};

describe('metaTrainValueNet', () => {
  it('SetEncoder.withLayout shares the weights (not a copy) and its dispose frees nothing', () => {
    const encoder = new SetEncoder({ layout: LAYOUTS[0]!, tokenHidden: [4], headHidden: [4], rng: new Rng(1) });
    const view = encoder.withLayout(LAYOUTS[1]!);
    expect(view.layout).toBe(LAYOUTS[1]);
    expect(view.variables).toEqual(encoder.variables);
    const x = () => tf.tensor2d(new Rng(2).normals(LAYOUTS[1]!.size), [1, LAYOUTS[1]!.size]);
    const before = tf.tidy(() => view.apply(x()).dataSync()[0]!);
    tf.tidy(() => encoder.variables.at(-1)!.assign(tf.add(encoder.variables.at(-1)!, 1)));
    expect(tf.tidy(() => view.apply(x()).dataSync()[0]!)).toBeCloseTo(before + 1, 5);
    const n = tf.memory().numTensors;
    view.dispose();
    expect(tf.memory().numTensors).toBe(n);
    encoder.dispose();
  });

  it('learns from runs of two architectures a ranking that holds on a third, unseen one; calibrates to score units', () => {
    const train = [...runs(LAYOUTS[0]!, 3, 1, 'one'), ...runs(LAYOUTS[1]!, 3, 2, 'two')];
    const heldOut = runs(LAYOUTS[2]!, 3, 3);
    const before = tf.memory().numTensors;
    const result = metaTrainValueNet(train, { seed: 1, steps: 120, tokenHidden: [8], headHidden: [8], learningRate: 1e-2, batchRounds: 12 });
    const { net } = result;
    expect(result).toMatchObject({ runs: 6, rounds: 36, layouts: 2, pairs: 36 * 36, calibration: net.calibration, inputScale: net.inputScale });
    expect(result.perTask.one).toMatchObject({ runs: 3, rounds: 18 });
    expect(result.tau).toBeGreaterThan(0.5);
    expect(result.calibration).toBeGreaterThan(0);
    expect(net.metric).toEqual({ name: 'balanced-error', higherIsBetter: false });
    expect(net.layout).toBe(LAYOUTS[0]);
    // The net read through the unseen layout orders its rounds (an untrained one does not).
    const other = net.encoder.kind === 'set' ? (net.encoder as SetEncoder).withLayout(LAYOUTS[2]!) : null;
    const scaled = (p: Float32Array[]) => tf.tidy(() => other!.apply(tf.div(tf.tensor2d(p.flatMap((v) => Array.from(v)), [p.length, LAYOUTS[2]!.size]), net.inputScale!) as tf.Tensor2D).dataSync());
    expect(meanTau(scaled, heldOut)).toBeGreaterThan(0.5);
    const untrained = new SetEncoder({ layout: LAYOUTS[2]!, tokenHidden: [8], headHidden: [8], rng: new Rng(1) });
    const raw = (p: Float32Array[]) => tf.tidy(() => untrained.apply(tf.tensor2d(p.flatMap((v) => Array.from(v)), [p.length, LAYOUTS[2]!.size])).dataSync());
    expect(meanTau(raw, heldOut)).toBeLessThan(0.3);
    untrained.dispose();
    // Calibration: the least-squares scale over all training rounds, checked by hand on the first layout's rounds plus the second's.
    let num = 0;
    let den = 0;
    for (const t of train) {
      const view = t.header.layout === LAYOUTS[0] ? net.encoder : (net.encoder as SetEncoder).withLayout(t.header.layout);
      for (const r of t.rounds) {
        const v = tf.tidy(() => view.apply(tf.div(tf.tensor2d(r.deltas.flatMap((p) => Array.from(p)), [r.deltas.length, t.header.layout.size]), net.inputScale!) as tf.Tensor2D).dataSync());
        for (let i = 1; i < v.length; i++) {
          num += (v[i]! - v[0]!) * (r.scores[i]! - r.scores[0]!);
          den += (v[i]! - v[0]!) ** 2;
        }
      }
    }
    expect(result.calibration).toBeCloseTo(num / den, 4);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses mixed metrics and layouts without FiLM, naming the run; leaks nothing', () => {
    const a = runs(LAYOUTS[0]!, 1, 1);
    const b = runs(LAYOUTS[1]!, 1, 2);
    b[0]!.header = { ...b[0]!.header, metric: { name: 'error-rate', higherIsBetter: false } };
    expect(() => metaTrainValueNet([...a, ...b])).toThrow(/'trajectories\[1\].header.metric' .* must be the metric of the other runs, 'balanced-error' \(lower is better\).* got 'error-rate' \(lower is better\) in run 'toy-2-0'/);
    const headOnly: ParamLayout = { size: 4, segments: [{ name: 'k', kind: 'head-kernel', offset: 0, size: 4, shape: [4], scale: 1 }] };
    const c = [{ ...a[0]!, header: { ...a[0]!.header, layout: headOnly, run: 'no-film' }, rounds: [] }];
    const before = tf.memory().numTensors;
    expect(() => metaTrainValueNet([...a, ...c])).toThrow(InvalidArgumentError);
    expect(() => metaTrainValueNet([...a, ...c])).toThrow(/'trajectories\[1\].header.layout' .* a layout with FiLM segments .*\(run 'no-film'\)/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => metaTrainValueNet([])).toThrow(/'trajectories'/);
    expect(() => metaTrainValueNet(a, { steps: -1 })).toThrow(/'options.steps'/);
  });
});
