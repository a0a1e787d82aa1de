// The public surface of the backend set-up, for `src/index.ts` to re-export.
export { BACKEND_NAMES, parseBackendName, type BackendName } from './backend-name.js';
export { formatBackendReport, type BackendAttempt, type BackendReport } from './backend-report.js';
export {
  BACKEND_ENV_VAR,
  describeBackends,
  forcedBackend,
  initBackend,
  type InitBackendOptions,
} from './init-backend.js';
export {
  compareBackends,
  ensureBackendRegistered,
  maxScaledDifference,
  runOnBackend,
  type BackendComparison,
  type BackendRun,
} from './backend-comparison.js';
export {
  FASTER_WASM_KERNELS,
  MISSING_WASM_KERNELS,
  activeWasmTrainingKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  type WasmTrainingKernelOptions,
} from './wasm-kernels/register-wasm-training-kernels.js';
