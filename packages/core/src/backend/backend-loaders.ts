import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './backend-name.js';
import { WASM_BINARY_NAMES, missingWasmBinaries, wasmBinaryDirectory } from './wasm-binaries.js';
import { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels.js';

/** What loading one backend gave: the tfjs backend now active, or why there is none. */
export type LoadOutcome =
  | { loaded: true; tfBackend: string; detail: string }
  | { loaded: false; reason: string; cause?: unknown };

/** Loads, registers and activates (`tf.setBackend`) one backend; never throws. */
export async function loadBackend(name: BackendName): Promise<LoadOutcome> {
  try {
    switch (name) {
      case 'tensorflow-gpu':
        return await loadNative('@tensorflow/tfjs-node-gpu');
      case 'tensorflow':
        return await loadNative('@tensorflow/tfjs-node');
      case 'wasm':
        return await loadWasm();
      case 'cpu':
        return await loadCpu();
    }
  } catch (cause) {
    return { loaded: false, reason: `failed to load: ${firstLine(cause)}`, cause };
  }
}

async function loadNative(packageName: string): Promise<LoadOutcome> {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return { loaded: false, reason: `${packageName} is not installed (optional peer dependency; npm install ${packageName})` };
  }
  // Importing it without its addon half-registers its kernels before throwing, so look first.
  if (!hasNativeAddon(packageDir)) {
    return {
      loaded: false,
      reason:
        `${packageName} is installed but its native addon (lib/napi-v*/tfjs_binding.node) is not built: ` +
        `its install script downloads libtensorflow, which needs network access (npm rebuild ${packageName})`,
    };
  }
  // A variable specifier: the package is optional, so neither tsc nor bundlers may resolve it.
  const specifier: string = packageName;
  await import(specifier);
  if (!(await tf.setBackend('tensorflow'))) {
    return { loaded: false, reason: `${packageName} loaded but its 'tensorflow' backend did not initialise` };
  }
  const version = (require(`${packageName}/package.json`) as { version?: string }).version ?? '?';
  return { loaded: true, tfBackend: 'tensorflow', detail: `${packageName} ${version} (native libtensorflow)` };
}

function hasNativeAddon(packageDir: string): boolean {
  const lib = join(packageDir, 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((entry) => entry.startsWith('napi-v') && existsSync(join(lib, entry, 'tfjs_binding.node')));
}

async function loadWasm(): Promise<LoadOutcome> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const directory = wasmBinaryDirectory();
  if (missingWasmBinaries(directory).length === WASM_BINARY_NAMES.length) {
    return { loaded: false, reason: `no .wasm binaries in ${directory}` };
  }
  // Node reads the binary from here; a bundled copy of the package would otherwise look beside the
  // bundle. It only matters before the first initialisation and is harmless after.
  wasm.setWasmPaths(directory);
  const kernels = registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) {
    return { loaded: false, reason: 'the wasm module did not initialise (tfjs printed why above)' };
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  const threadNote = threads === 1 ? '1 thread (tfjs has no wasm threads in Node)' : `${threads} threads`;
  return {
    loaded: true,
    tfBackend: 'wasm',
    detail: `SIMD ${simd ? 'on' : 'off'}, ${threadNote}; MetricOpt kernels: ${kernels.join(', ')}`,
  };
}

async function loadCpu(): Promise<LoadOutcome> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) return { loaded: false, reason: "the 'cpu' backend did not initialise" };
  return { loaded: true, tfBackend: 'cpu', detail: 'plain JavaScript, the slowest' };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}
