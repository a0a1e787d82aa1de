import { InvalidArgumentError, describe } from '../errors.js';

/** The compute backends MetricOpt can run on, in the order `initBackend` tries them. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

/**
 * `tensorflow-gpu` is @tensorflow/tfjs-node-gpu, `tensorflow` @tensorflow/tfjs-node (both native
 * libtensorflow, optional peer dependencies), `wasm` @tensorflow/tfjs-backend-wasm, `cpu`
 * @tensorflow/tfjs-backend-cpu (plain JavaScript).
 */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Checks that `value` names a backend; `fn` and `argument` name where it came from for the error. */
export function parseBackendName(value: unknown, fn: string, argument: string): BackendName {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : value;
  const known = BACKEND_NAMES.find((candidate) => candidate === name);
  if (known === undefined) {
    throw new InvalidArgumentError(fn, argument, `one of ${BACKEND_NAMES.join(', ')}`, describe(value));
  }
  return known;
}
