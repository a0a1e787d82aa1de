import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../../errors.js';
import { trainingKernelBytes } from './simd-kernels-wasm.js';

/** See gemmT and gemm in simd-kernels-wasm.ts: pointers and strides in bytes. */
export type Gemm = (
  a: number, lda: number, b: number, ldb: number, out: number, ldc: number, rows: number, cols: number, depth: number,
  blocks: number, aSkip: number, bSkip: number, accumulate: number,
) => void;

/** See maxPoolGrad in simd-kernels-wasm.ts. */
export type MaxPoolGradKernel = (
  x: number, dy: number, dx: number, outHeight: number, outWidth: number, channels: number, inWidth: number,
  filterHeight: number, filterWidth: number,
) => void;

/** MetricOpt's SIMD kernels (see simd-kernels-wasm.ts), bound to one wasm backend's memory. */
export interface SimdKernels {
  gemmT: Gemm;
  gemm: Gemm;
  colSum(x: number, rows: number, cols: number, out: number, accumulate: number): void;
  addRow(x: number, row: number, out: number, rows: number, cols: number): void;
  mulRow(x: number, row: number, out: number, rows: number, cols: number): void;
  transpose(x: number, rows: number, cols: number, out: number): void;
  maxPoolGrad: MaxPoolGradKernel;
  maxPoolGrad2x2: MaxPoolGradKernel;
}

// The compiler's lib has no WebAssembly types (no DOM lib): the little used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
// Per backend memory: the instance, or null where it cannot be made (no SIMD, a shared memory).
const instances = new WeakMap<object, SimdKernels | null>();

/**
 * The SIMD kernels working directly on `backend`'s heap (tensor data is addressed by
 * `heapAddress`), or undefined where this engine cannot run them; callers then take their
 * portable path.
 *
 * @example
 * const kernels = simdKernels(backend);
 * kernels?.colSum(heapAddress(backend, x), rows, cols, heapAddress(backend, out), 0);
 */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  const memory = (backend.wasm as unknown as { asm?: { memory?: object } }).asm?.memory;
  return memory === undefined ? undefined : simdKernelsOn(memory);
}

/** The SIMD kernels on any WebAssembly.Memory (one instance per memory), or undefined where they cannot run. */
export function simdKernelsOn(memory: object): SimdKernels | undefined {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}

function instantiate(memory: object): SimdKernels | null {
  if (wasmApi === undefined) return null;
  try {
    if (compiled === undefined) compiled = new wasmApi!.Module(trainingKernelBytes());
    if (compiled === null) return null;
    const { exports } = new wasmApi!.Instance(compiled, { env: { memory } });
    return exports as unknown as SimdKernels;
  } catch {
    compiled ??= null;
    return null;
  }
}

/** The byte address of a tensor's data on the wasm heap. */
export function heapAddress(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId) as { memoryOffset: number } | undefined;
  if (data === undefined) throw new BackendError('heapAddress: the tensor has no data on this wasm backend');
  return data.memoryOffset;
}
