import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../../errors.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { castConfig } from './cast.js';
import { addConfig, multiplyConfig } from './channel-broadcast.js';
import { conv2dConfig } from './conv2d.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input.js';
import { fusedMatMulConfig } from './fused-mat-mul.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { padV2Config } from './pad-v2.js';
import { sumConfig } from './sum.js';
import { transposeConfig } from './transpose.js';
import { wasmKernelLedger } from './stock-wasm-kernels.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Gradient kernels tfjs-backend-wasm 4.22 lacks: without them conv, depthwise and embedding models cannot train. */
export const MISSING_WASM_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Faster replacements of stock wasm kernels, checked against the cpu backend in their tests. */
export const FASTER_WASM_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropInputConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  sumConfig,
  identityConfig,
  castConfig,
  addConfig,
  multiplyConfig,
  padV2Config,
  conv2dConfig,
  transposeConfig,
];

const ALL_KERNELS = [...MISSING_WASM_KERNELS, ...FASTER_WASM_KERNELS];

export interface WasmTrainingKernelOptions {
  /** Kernel names to register; default all of MISSING_WASM_KERNELS and FASTER_WASM_KERNELS. */
  kernels?: readonly string[];
}

/**
 * Registers the wasm kernels MetricOpt adds (missing gradients) or replaces (faster ones); the
 * replaced stock kernels are kept so `unregisterWasmTrainingKernels` can put them back. Idempotent.
 * Returns the names of the MetricOpt kernels active for wasm afterwards.
 *
 * @example
 * registerWasmTrainingKernels();                                   // all
 * registerWasmTrainingKernels({ kernels: ['Conv2DBackpropFilter'] }); // just enough for a CNN
 */
export function registerWasmTrainingKernels(options: WasmTrainingKernelOptions = {}): string[] {
  const wanted = options.kernels ?? ALL_KERNELS.map((config) => config.kernelName);
  for (const name of wanted) {
    const config = ALL_KERNELS.find((candidate) => candidate.kernelName === name);
    if (config === undefined) {
      throw new InvalidArgumentError(
        'registerWasmTrainingKernels', 'kernels', `names among ${ALL_KERNELS.map((c) => c.kernelName).join(', ')}`,
        JSON.stringify(name),
      );
    }
    install(config);
  }
  return activeWasmTrainingKernels();
}

/** Removes every MetricOpt wasm kernel and puts back the stock kernels they replaced. */
export function unregisterWasmTrainingKernels(): void {
  const ledger = wasmKernelLedger();
  for (const { kernelName } of ALL_KERNELS) {
    const current = getKernel(kernelName, 'wasm') as KernelConfig | undefined;
    if (current === undefined || !ledger.ours.has(current)) continue;
    unregisterKernel(kernelName, 'wasm');
    const stock = ledger.stock.get(kernelName);
    if (stock !== undefined) registerKernel(stock);
    ledger.stock.delete(kernelName);
  }
}

/** Names of the MetricOpt kernels registered for wasm now. */
export function activeWasmTrainingKernels(): string[] {
  const ledger = wasmKernelLedger();
  return ALL_KERNELS.map((config) => config.kernelName).filter((name) => {
    const current = getKernel(name, 'wasm') as KernelConfig | undefined;
    return current !== undefined && ledger.ours.has(current);
  });
}

function install(config: KernelConfig): void {
  const ledger = wasmKernelLedger();
  const current = getKernel(config.kernelName, 'wasm') as KernelConfig | undefined;
  if (current !== undefined && ledger.ours.has(current)) return;
  if (current === undefined) {
    ledger.ours.add(config);
    registerKernel(config);
    return;
  }
  // A kernel tfjs now ships natively is left alone; only the ones we mean to replace are swapped.
  if (!FASTER_WASM_KERNELS.includes(config)) return;
  ledger.stock.set(config.kernelName, current);
  unregisterKernel(config.kernelName, 'wasm');
  const replacement = withStockSetup(config, current);
  ledger.ours.add(replacement);
  registerKernel(replacement);
}

/**
 * tfjs runs the setup of the kernels registered when a backend initialises; a replacement
 * registered before that runs the stock kernel's setup too, so the stock kernel still works as a
 * fallback and after `unregisterWasmTrainingKernels`.
 */
function withStockSetup(config: KernelConfig, stock: KernelConfig): KernelConfig {
  return {
    ...config,
    setupFunc: (backend) => {
      stock.setupFunc?.(backend);
      config.setupFunc?.(backend);
    },
    disposeFunc: (backend) => {
      config.disposeFunc?.(backend);
      stock.disposeFunc?.(backend);
    },
  };
}
