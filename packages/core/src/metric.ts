import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, MetricError, MetricTimeoutError } from './errors.js';

/** What a metric is called with: the model's outputs on a split and that split's targets. */
export type MetricFn = (outputs: tf.Tensor, targets: tf.Tensor) => number | Promise<number>;

/**
 * A black-box metric: MetricOpt only calls it. `higherIsBetter` is read by the value function,
 * which always works with scores where higher is better.
 */
export interface Metric {
  readonly name: string;
  readonly higherIsBetter: boolean;
  evaluate: MetricFn;
  /** Per-call time limit in ms (default: none). Enforced for async metrics; a sync metric that ran over is reported after it returns. */
  readonly timeoutMs?: number;
}

export interface MetricSpec {
  name: string;
  higherIsBetter: boolean;
  evaluate: MetricFn;
  timeoutMs?: number;
}

/**
 * ```ts
 * const errorRate = defineMetric({ name: 'error-rate', higherIsBetter: false,
 *   evaluate: (logits, labels) => tf.tidy(() => tf.notEqual(tf.argMax(logits, 1), labels).mean().dataSync()[0]!) });
 * ```
 */
export function defineMetric(spec: MetricSpec): Metric {
  if (typeof spec?.name !== 'string' || spec.name.length === 0) {
    throw new InvalidArgumentError('defineMetric', 'name', 'a non-empty string', String(spec?.name));
  }
  if (typeof spec.higherIsBetter !== 'boolean') {
    throw new InvalidArgumentError('defineMetric', 'higherIsBetter', 'a boolean', String(spec.higherIsBetter));
  }
  if (typeof spec.evaluate !== 'function') {
    throw new InvalidArgumentError('defineMetric', 'evaluate', 'a function (outputs, targets) => number', typeof spec.evaluate);
  }
  if (spec.timeoutMs !== undefined && !(spec.timeoutMs > 0)) {
    throw new InvalidArgumentError('defineMetric', 'timeoutMs', 'a positive number of milliseconds', String(spec.timeoutMs));
  }
  return Object.freeze({ ...spec });
}

/** Turns a metric value into a score where higher is better. */
export function toScore(metric: Metric, value: number): number {
  return metric.higherIsBetter ? value : -value;
}

/**
 * Calls a metric once and checks what it returns: a finite number, in time. Anything else is a
 * MetricError naming the metric and the step.
 */
export async function callMetric(
  metric: Metric,
  outputs: tf.Tensor,
  targets: tf.Tensor,
  step: number,
  timeoutMs: number | undefined = metric.timeoutMs,
): Promise<number> {
  const started = performance.now();
  let value: unknown;
  try {
    const result = metric.evaluate(outputs, targets);
    if (result instanceof Promise && timeoutMs !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MetricTimeoutError(metric.name, step, timeoutMs)), timeoutMs);
      });
      try {
        value = await Promise.race([result, timeout]);
      } finally {
        clearTimeout(timer);
      }
    } else {
      value = await result;
    }
  } catch (err) {
    if (err instanceof MetricError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new MetricError(metric.name, step, `threw: ${reason}`, { cause: err });
  }
  if (timeoutMs !== undefined && performance.now() - started > timeoutMs) {
    throw new MetricTimeoutError(metric.name, step, timeoutMs);
  }
  if (typeof value !== 'number') {
    throw new MetricError(metric.name, step, `expected a number, got ${typeof value}`);
  }
  if (!Number.isFinite(value)) {
    throw new MetricError(metric.name, step, `expected a finite number, got ${value}`);
  }
  return value;
}
