import { getKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { BackendError } from '../../errors.js';

interface WasmKernelLedger {
  /** The stock wasm kernels that a MetricOpt kernel replaced, by kernel name. */
  readonly stock: Map<string, KernelConfig>;
  /** Every kernel config MetricOpt registered. */
  readonly ours: WeakSet<KernelConfig>;
}

// tfjs's kernel registry is global, so the ledger is too: a second copy of this module (vitest's
// per-file module graphs, a bundle with two copies) must see what the first one replaced.
const LEDGER_KEY = Symbol.for('@metricopt/core/wasm-kernel-ledger');

export function wasmKernelLedger(): WasmKernelLedger {
  const holder = globalThis as { [LEDGER_KEY]?: WasmKernelLedger };
  holder[LEDGER_KEY] ??= { stock: new Map(), ours: new WeakSet() };
  return holder[LEDGER_KEY];
}

/** The stock wasm kernel for `kernelName`: the one MetricOpt replaced, else the one registered now. */
export function stockWasmKernel(kernelName: string): KernelConfig {
  const ledger = wasmKernelLedger();
  const saved = ledger.stock.get(kernelName);
  if (saved !== undefined) return saved;
  const current = getKernel(kernelName, 'wasm') as KernelConfig | undefined;
  if (current === undefined || ledger.ours.has(current)) {
    throw new BackendError(`the stock wasm kernel '${kernelName}' is not registered (is @tensorflow/tfjs-backend-wasm imported?)`);
  }
  return current;
}
