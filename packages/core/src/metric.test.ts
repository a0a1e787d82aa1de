import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MetricError, MetricTimeoutError } from './errors.js';
import { callMetric, defineMetric, toScore } from './metric.js';

const x = tf.tensor1d([1, 2, 3]);
const y = tf.tensor1d([1, 0, 3]);

describe('defineMetric / callMetric', () => {
  it('calls sync and async metrics', async () => {
    const sync = defineMetric({ name: 'sum', higherIsBetter: true, evaluate: (o) => tf.sum(o).dataSync()[0]! });
    const asyncM = defineMetric({ name: 'asum', higherIsBetter: false, evaluate: async (o, t) => (await tf.sum(tf.sub(o, t)).data())[0]! });
    expect(await callMetric(sync, x, y, 0)).toBe(6);
    expect(await callMetric(asyncM, x, y, 0)).toBe(2);
    expect(toScore(asyncM, 2)).toBe(-2);
    expect(toScore(sync, 2)).toBe(2);
  });

  it.each([
    ['NaN', () => NaN, /metric 'bad' at step 5: expected a finite number, got NaN/],
    ['Infinity', () => Infinity, /expected a finite number, got Infinity/],
    ['a string', () => 'x' as unknown as number, /expected a number, got string/],
    ['a throw', () => { throw new Error('boom'); }, /metric 'bad' at step 5: threw: boom/],
  ])('reports a metric returning %s with its name and step', async (_, evaluate, message) => {
    const m = defineMetric({ name: 'bad', higherIsBetter: true, evaluate });
    await expect(callMetric(m, x, y, 5)).rejects.toThrow(message);
    await expect(callMetric(m, x, y, 5)).rejects.toBeInstanceOf(MetricError);
  });

  it('times out a hanging async metric', async () => {
    const m = defineMetric({ name: 'hang', higherIsBetter: true, evaluate: () => new Promise<number>(() => {}), timeoutMs: 20 });
    const err = await callMetric(m, x, y, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricTimeoutError);
    expect(String(err)).toMatch(/metric 'hang' at step 3: did not finish within 20 ms/);
  });

  it('rejects malformed definitions, naming the argument', () => {
    expect(() => defineMetric({ name: '', higherIsBetter: true, evaluate: () => 0 })).toThrow(/'name' passed to defineMetric/);
    expect(() => defineMetric({ name: 'a', higherIsBetter: 1 as unknown as boolean, evaluate: () => 0 })).toThrow(/'higherIsBetter'/);
    expect(() => defineMetric({ name: 'a', higherIsBetter: true, evaluate: 3 as unknown as () => number })).toThrow(/'evaluate'/);
  });
});
