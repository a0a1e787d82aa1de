// @metricopt/core/wasm: the small WebAssembly assembler behind the SIMD kernels, for packages that write their own.
export {
  assembleModule, uleb, sleb, I32, F32, V128, type WasmFunction, type ValueType, type Code,
} from '../backend/wasm-kernels/wasm-assembler.js';
