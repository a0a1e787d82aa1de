import { describe, expect, it } from 'vitest';
import { assembleModule, F32, I32, sleb, uleb } from './index.js';

// The compiler's lib has no WebAssembly types: the little used here.
interface WasmApi {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => number> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

// Hand-written instructions: local.get 0x20, local.set 0x21, i32.add 0x6a, i32.mul 0x6c, f32.load 0x2a, i32.load 0x28.
describe('@metricopt/core/wasm', () => {
  it('assembles exported functions with params, results and locals over env.memory', () => {
    const bytes = assembleModule([
      { name: 'add', params: [I32, I32], results: [I32], locals: [], body: [0x20, 0, 0x20, 1, 0x6a] },
      // square(p) = m·m with m = memory[p] as i32, through an i32 local after an unused f32 one
      { name: 'square', params: [I32], results: [I32], locals: [F32, I32], body: [0x20, 0, 0x28, 2, 0, 0x21, 2, 0x20, 2, 0x20, 2, 0x6c] },
    ]);
    const memory = new wasm.Memory({ initial: 1 });
    new Int32Array(memory.buffer)[3] = -7;
    const { add, square } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
    expect(add!(2, 40)).toBe(42);
    expect(square!(12)).toBe(49);
  });

  it('encodes LEB128 immediates', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});
