import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';
import { loadBackend } from './backend-loaders.js';
import { BACKEND_NAMES, parseBackendName, type BackendName } from './backend-name.js';
import type { BackendAttempt, BackendReport } from './backend-report.js';

/** The environment variable that forces one backend; a forced backend that fails is an error. */
export const BACKEND_ENV_VAR = 'METRICOPT_BACKEND';

export interface InitBackendOptions {
  /** Try this backend first, then the usual order. METRICOPT_BACKEND, when set, wins over it. */
  prefer?: BackendName;
}

// One selection per request (forced name or preference); tfjs's engine is global, so is this.
const SELECTIONS_KEY = Symbol.for('@metricopt/core/backend-selections');

function selections(): Map<string, Promise<BackendReport>> {
  const holder = globalThis as { [SELECTIONS_KEY]?: Map<string, Promise<BackendReport>> };
  holder[SELECTIONS_KEY] ??= new Map();
  return holder[SELECTIONS_KEY];
}

/**
 * Picks the fastest compute backend that loads — @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node,
 * @tensorflow/tfjs-backend-wasm (with MetricOpt's training kernels), @tensorflow/tfjs-backend-cpu —
 * or the one METRICOPT_BACKEND names, makes it tfjs's active backend, and says why. It also
 * imports @tensorflow/tfjs-layers, which registers the gradients training needs. Calling it again
 * with the same request returns the same report (re-activating its backend if something else was
 * set meanwhile) without loading anything again.
 *
 * @example
 * const report = await initBackend();
 * report.name;            // 'wasm' where the native backends are not installed
 * tf.getBackend();        // 'wasm'
 * // METRICOPT_BACKEND=cpu → report.name === 'cpu'; METRICOPT_BACKEND=gpu → InvalidArgumentError
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const forced = forcedBackend();
  const prefer = options.prefer === undefined ? undefined : parseBackendName(options.prefer, 'initBackend', 'options.prefer');
  const key = forced !== undefined ? `forced:${forced}` : `prefer:${prefer ?? ''}`;
  const cache = selections();
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = forced !== undefined ? selectForced(forced) : selectFirstLoading(prefer);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  const report = await pending;
  if (tf.getBackend() !== report.tfBackend) await tf.setBackend(report.tfBackend);
  return report;
}

/** The backend METRICOPT_BACKEND forces, if it is set (an unknown name is an InvalidArgumentError). */
export function forcedBackend(): BackendName | undefined {
  const value = process.env[BACKEND_ENV_VAR];
  if (value === undefined || value.trim() === '') return undefined;
  return parseBackendName(value, 'initBackend', BACKEND_ENV_VAR);
}

async function selectForced(name: BackendName): Promise<BackendReport> {
  await import('@tensorflow/tfjs-layers');
  const outcome = await loadBackend(name);
  if (!outcome.loaded) {
    throw new BackendError(`${BACKEND_ENV_VAR}=${name} but the ${name} backend could not be loaded: ${outcome.reason}`, {
      cause: outcome.cause,
    });
  }
  const attempts = BACKEND_NAMES.map((candidate): BackendAttempt =>
    candidate === name
      ? { name, loaded: true, reason: `${outcome.detail} (forced by ${BACKEND_ENV_VAR})` }
      : { name: candidate, loaded: false, reason: `not tried: ${BACKEND_ENV_VAR}=${name}` },
  );
  return { name, tfBackend: outcome.tfBackend, attempts };
}

async function selectFirstLoading(prefer: BackendName | undefined): Promise<BackendReport> {
  await import('@tensorflow/tfjs-layers');
  const order = prefer === undefined ? [...BACKEND_NAMES] : [prefer, ...BACKEND_NAMES.filter((name) => name !== prefer)];
  const attempts: BackendAttempt[] = [];
  let picked: { name: BackendName; tfBackend: string } | undefined;
  for (const name of order) {
    if (picked !== undefined) {
      attempts.push({ name, loaded: false, reason: `not tried: ${picked.name} was picked first` });
      continue;
    }
    const outcome = await loadBackend(name);
    attempts.push({ name, loaded: outcome.loaded, reason: outcome.loaded ? outcome.detail : outcome.reason });
    if (outcome.loaded) picked = { name, tfBackend: outcome.tfBackend };
  }
  if (picked === undefined) {
    const reasons = attempts.map((attempt) => `${attempt.name}: ${attempt.reason}`).join('; ');
    throw new BackendError(`no compute backend could be loaded (${reasons})`);
  }
  return { ...picked, attempts };
}

/**
 * `initBackend()`'s report with the backends it did not try probed as well (each loaded, then the
 * picked one re-activated), so the `metricopt backend` command can say what else would work.
 *
 * @example
 * console.log(formatBackendReport(await describeBackends()));
 * //   no   cpu  available, not used: wasm comes first (plain JavaScript, the slowest)
 */
export async function describeBackends(): Promise<BackendReport> {
  const report = await initBackend();
  const forced = forcedBackend();
  const pickedAt = report.attempts.findIndex((attempt) => attempt.loaded);
  const attempts: BackendAttempt[] = [];
  for (const [index, attempt] of report.attempts.entries()) {
    const untried = forced !== undefined ? attempt.name !== forced : index > pickedAt;
    if (!untried) {
      attempts.push(attempt);
      continue;
    }
    const outcome = await loadBackend(attempt.name);
    const reason = outcome.loaded ? `available, not used: ${report.name} comes first (${outcome.detail})` : outcome.reason;
    attempts.push({ name: attempt.name, loaded: false, reason });
  }
  await tf.setBackend(report.tfBackend);
  return { ...report, attempts };
}
