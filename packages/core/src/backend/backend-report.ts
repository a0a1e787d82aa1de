import { BACKEND_NAMES, type BackendName } from './backend-name.js';

/** One backend `initBackend` considered: whether it loaded, and why (not). */
export interface BackendAttempt {
  name: BackendName;
  loaded: boolean;
  reason: string;
}

/** The backend `initBackend` picked, tfjs's name for it (`tf.getBackend()`), and every candidate's outcome. */
export interface BackendReport {
  name: BackendName;
  tfBackend: string;
  attempts: BackendAttempt[];
}

/**
 * The report as the `metricopt backend` command prints it.
 *
 * @example
 * formatBackendReport(await initBackend());
 * // compute backend: wasm (tfjs backend 'wasm')
 * //   no   tensorflow-gpu  @tensorflow/tfjs-node-gpu is not installed (optional peer dependency …)
 * //   no   tensorflow      @tensorflow/tfjs-node is not installed (optional peer dependency …)
 * //   yes  wasm            SIMD on, 1 thread; …
 * //   no   cpu             not tried: wasm was picked first
 * // METRICOPT_BACKEND=tensorflow-gpu|tensorflow|wasm|cpu forces one.
 */
export function formatBackendReport(report: BackendReport): string {
  const width = Math.max(...BACKEND_NAMES.map((name) => name.length));
  const lines = [`compute backend: ${report.name} (tfjs backend '${report.tfBackend}')`];
  for (const attempt of report.attempts) {
    lines.push(`  ${(attempt.loaded ? 'yes' : 'no').padEnd(4)} ${attempt.name.padEnd(width)}  ${attempt.reason}`);
  }
  lines.push(`METRICOPT_BACKEND=${BACKEND_NAMES.join('|')} forces one.`);
  return lines.join('\n');
}
