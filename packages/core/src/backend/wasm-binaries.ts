import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

export const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/**
 * The directory of @tensorflow/tfjs-backend-wasm's .wasm binaries (its `dist/`, beside its Node
 * entry point), resolved from this package so it holds from `dist/`, from vitest and under pnpm;
 * with a trailing separator, as `setWasmPaths` concatenates it with the file name.
 */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
}

/** The binaries missing from `directory`: the Node build needs the plain or the SIMD one. */
export function missingWasmBinaries(directory: string): string[] {
  return WASM_BINARY_NAMES.filter((name) => !existsSync(directory + name));
}
