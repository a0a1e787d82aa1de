import * as tf from '@tensorflow/tfjs-core';
import type { BatchSamplerState } from './batch-sampler.js';
import { CheckpointError, describe } from './errors.js';
import type { RoundRecord } from './finetune-options.js';
import type { RngState } from './rng.js';
import type { ValueStepState } from './value/value-step.js';
import { checkValueFunctionState } from './value/value-function-state.js';

export interface SavedWeight {
  name: string;
  shape: number[];
  values: number[];
}

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** What a finetune checkpoint holds: everything the loop needs to continue exactly where it stopped. */
export interface FinetuneState {
  version: number;
  fingerprint: Record<string, unknown>;
  step: number;
  round: number;
  metricCalls: number;
  phi: number[];
  optimizer: SavedWeight[];
  /** Optimizer state tfjs's getWeights leaves out (Adam's running β powers), so a resumed run steps bit for bit as before. */
  optimizerExtra?: Record<string, number>;
  rng: RngState;
  sampler: BatchSamplerState | null;
  value: unknown;
  esGradient: number[] | null;
  best: { score: number; step: number; phi: number[] } | null;
  history: RoundRecord[];
  timings: { metricSeconds: number; valueSeconds: number };
  /** Guided exploration's running sums (absent in older checkpoints and when the guide is off). */
  guide?: { lossSum: number[]; lossCount: number; previousCentre: number[] | null };
  valueStep?: ValueStepState;
  /** The latest round's surrogate slopes (mixing loss-prior). */
  slopes?: number[][] | null;
  /** True once the run finished: resuming it returns the result without another metric call. */
  complete?: boolean;
}

/** What the run that reads a checkpoint expects of it. */
export interface StateExpectations {
  /** φ's size. */
  params: number;
  /** Rows of the training split (the batch sampler's permutation). */
  trainRows: number;
  /** Shapes of the variables the optimizer steps, in order (its accumulators repeat them). */
  variableShapes: number[][];
}

/**
 * Checks a parsed checkpoint field by field before anything is restored from it; the first
 * problem is a CheckpointError naming `source` and the field.
 *
 * ```ts
 * checkFinetuneState(JSON.parse(text), 'runs/a/checkpoint.json', { params: 43, trainRows: 300, variableShapes: [[8, 3], [3]] });
 * ```
 */
export function checkFinetuneState(json: unknown, source: string, expect: StateExpectations): FinetuneState {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new CheckpointError(`${source}: '${field}' must be ${expected}, got ${describe(got)}`);
  };
  const s = json as Record<string, unknown>;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) fail('(root)', 'an object', s);
  const obj = (field: string, v: unknown): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
    return v as Record<string, unknown>;
  };
  const int = (field: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) fail(field, `an integer in [${min}, ${max}]`, v);
    return v as number;
  };
  const finite = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, 'a finite number', v);
    return v as number;
  };
  // float32: the values become float32 tensors or arrays, where a larger finite double is ±Infinity.
  const numbers = (field: string, v: unknown, length?: number, float32 = false): number[] => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) fail(field, `an array of ${length ?? 'any number of'} finite numbers`, v);
    const a = v as unknown[];
    const bound = float32 ? FLOAT32_MAX : Number.MAX_VALUE;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !(Math.abs(x) <= bound)) fail(`${field}[${i}]`, float32 ? 'a finite float32 number' : 'a finite number', x);
    }
    return a as number[];
  };
  const nullable = <T>(v: unknown, check: (v: unknown) => T): T | null => (v === null ? null : check(v));

  obj('fingerprint', s.fingerprint);
  int('step', s.step);
  int('round', s.round);
  int('metricCalls', s.metricCalls);
  numbers('phi', s.phi, expect.params, true);
  checkOptimizer(s.optimizer, expect.variableShapes, fail);
  if (s.optimizerExtra !== undefined) {
    const extra = obj('optimizerExtra', s.optimizerExtra);
    for (const [k, v] of Object.entries(extra)) finite(`optimizerExtra.${k}`, v);
  }
  const rng = obj('rng', s.rng);
  const words = numbers('rng.s', rng.s, 4);
  words.forEach((w, i) => int(`rng.s[${i}]`, w, 0, 0xffffffff));
  if (words.every((w) => w === 0)) fail('rng.s', 'a state with a non-zero word', rng.s);
  // The spare is a Box–Muller normal deviate: from 53-bit uniforms it never exceeds 8.6 in size.
  if (rng.spare !== null && rng.spare !== undefined && !(typeof rng.spare === 'number' && Math.abs(rng.spare) <= 10)) {
    fail('rng.spare', 'null or a normal deviate (|x| ≤ 10)', rng.spare);
  }
  nullable(s.sampler, (v) => {
    const sampler = obj('sampler', v);
    const perm = numbers('sampler.perm', sampler.perm, expect.trainRows);
    perm.forEach((p, i) => int(`sampler.perm[${i}]`, p, 0, expect.trainRows - 1));
    int('sampler.pos', sampler.pos, 0, expect.trainRows);
  });
  if (s.value !== null) {
    try {
      checkValueFunctionState(obj('value', s.value), `${source}: value`, { dim: expect.params });
    } catch (err) {
      throw new CheckpointError((err as Error).message, { cause: err });
    }
  }
  nullable(s.esGradient, (v) => numbers('esGradient', v, expect.params));
  nullable(s.best, (v) => {
    const best = obj('best', v);
    finite('best.score', best.score);
    int('best.step', best.step);
    numbers('best.phi', best.phi, expect.params, true);
  });
  if (!Array.isArray(s.history)) fail('history', 'an array', s.history);
  (s.history as unknown[]).forEach((h, i) => {
    const r = obj(`history[${i}]`, h);
    int(`history[${i}].round`, r.round);
    int(`history[${i}].step`, r.step);
    finite(`history[${i}].centreMetric`, r.centreMetric);
    if (r.tau !== null && !(typeof r.tau === 'number' && r.tau >= -1 && r.tau <= 1)) fail(`history[${i}].tau`, 'null or a number in [-1, 1]', r.tau);
    finite(`history[${i}].trust`, r.trust);
  });
  const timings = obj('timings', s.timings);
  for (const k of ['metricSeconds', 'valueSeconds']) if (!(finite(`timings.${k}`, timings[k]) >= 0)) fail(`timings.${k}`, 'a number >= 0', timings[k]);
  if (s.guide !== undefined) {
    const guide = obj('guide', s.guide);
    numbers('guide.lossSum', guide.lossSum);
    int('guide.lossCount', guide.lossCount);
    nullable(guide.previousCentre, (v) => numbers('guide.previousCentre', v, expect.params, true));
  }
  if (s.valueStep !== undefined) {
    const vs = obj('valueStep', s.valueStep);
    int('valueStep.t', vs.t);
    numbers('valueStep.m', vs.m, expect.params);
    numbers('valueStep.v', vs.v, expect.params);
  }
  if (s.slopes !== undefined) {
    nullable(s.slopes, (v) => {
      if (!Array.isArray(v)) fail('slopes', 'null or an array', v);
      (v as unknown[]).forEach((slope, i) => numbers(`slopes[${i}]`, slope, expect.params));
    });
  }
  if (s.complete !== undefined && typeof s.complete !== 'boolean') fail('complete', 'a boolean', s.complete);
  return s as unknown as FinetuneState;
}

/** The optimizer's saved weights: `iter` first, then accumulators whose shapes repeat the variables' shapes. */
function checkOptimizer(v: unknown, shapes: number[][], fail: (field: string, expected: string, got: unknown) => never): void {
  if (!Array.isArray(v) || v.length === 0) fail('optimizer', 'a non-empty array of saved weights', v);
  const weights = v as unknown[];
  const perRound = Math.max(1, shapes.length);
  if ((weights.length - 1) % perRound !== 0) {
    fail('optimizer', `'iter' and accumulators for ${shapes.length} variables (1 + k·${shapes.length} entries)`, v);
  }
  weights.forEach((w, i) => {
    const field = `optimizer[${i}]`;
    if (typeof w !== 'object' || w === null) fail(field, '{name, shape, values}', w);
    const { name, shape, values } = w as Record<string, unknown>;
    if (typeof name !== 'string') fail(`${field}.name`, 'a string', name);
    const want = i === 0 ? [] : shapes[(i - 1) % perRound]!;
    if (!Array.isArray(shape) || shape.length !== want.length || shape.some((d, k) => d !== want[k])) {
      fail(`${field}.shape`, `[${want.join(', ')}]`, shape);
    }
    const size = want.reduce((a, b) => a * b, 1);
    if (!Array.isArray(values) || values.length !== size) fail(`${field}.values`, `${size} finite numbers`, values);
    for (const x of values as unknown[]) if (typeof x !== 'number' || !(Math.abs(x) <= FLOAT32_MAX)) fail(`${field}.values`, 'finite float32 numbers', x);
    if (i === 0 && !(Number.isInteger((values as number[])[0]) && (values as number[])[0]! >= 0)) fail(`${field}.values`, "a count of iterations ('iter')", values);
  });
}

/** The optimizer's weights (tfjs getWeights) and the state getWeights leaves out. */
export async function saveOptimizer(optimizer: tf.Optimizer): Promise<{ weights: SavedWeight[]; extra: Record<string, number> }> {
  let named: { name: string; tensor: tf.Tensor }[];
  try {
    named = await optimizer.getWeights();
  } catch (err) {
    throw new CheckpointError(`cannot checkpoint optimizer ${optimizer.getClassName()}: ${(err as Error).message}`, { cause: err });
  }
  const weights = named.map((w) => ({ name: w.name, shape: w.tensor.shape.slice(), values: Array.from(w.tensor.dataSync() as Float32Array) }));
  // getWeights hands out the live accumulators (variables) and a fresh tensor for 'iter'.
  for (const w of named) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  const extra: Record<string, number> = {};
  for (const [key, v] of hiddenState(optimizer)) extra[key] = v.dataSync()[0]!;
  return { weights, extra };
}

/** Restores what saveOptimizer saved; an optimizer that cannot take it is a CheckpointError naming `source`. */
export async function restoreOptimizer(optimizer: tf.Optimizer, saved: SavedWeight[], extra: Record<string, number> | undefined, source: string): Promise<void> {
  const tensors = saved.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape, 'float32') }));
  try {
    await optimizer.setWeights(tensors);
  } catch (err) {
    throw new CheckpointError(`${source}: optimizer ${optimizer.getClassName()} cannot restore its state: ${(err as Error).message}`, { cause: err });
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
  // setWeights recomputes Adam's β powers as pow(β, t + 1); the running product differs in the last float32 bit.
  for (const [key, v] of hiddenState(optimizer)) {
    const value = extra?.[key];
    if (value !== undefined) tf.tidy(() => v.assign(tf.scalar(value)));
  }
}

/** Scalar variables an optimizer keeps outside getWeights (Adam and Adamax: accBeta1, accBeta2). */
function hiddenState(optimizer: tf.Optimizer): [string, tf.Variable][] {
  const o = optimizer as unknown as Record<string, unknown>;
  return ['accBeta1', 'accBeta2']
    .filter((k) => o[k] instanceof tf.Variable && (o[k] as tf.Variable).size === 1)
    .map((k) => [k, o[k] as tf.Variable]);
}
