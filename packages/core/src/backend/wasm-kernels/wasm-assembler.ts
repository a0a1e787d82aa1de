/**
 * Just enough of the WebAssembly binary format to write small SIMD kernels by hand (the project
 * has no wasm toolchain): value types, the opcodes the kernels use, LEB128 immediates, and a module
 * of exported functions over one imported memory `env.memory`.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

/** A piece of code: bytes, or nested pieces (flattened on emit). */
export type Code = number | readonly Code[];

/** Block type of a block/loop/if without results. */
const VOID = 0x40;

export const op = {
  block: [0x02, VOID], loop: [0x03, VOID], if: [0x04, VOID], else: 0x05, end: 0x0b,
  br: 0x0c, brIf: 0x0d, return: 0x0f,
  i32Eqz: 0x45, i32Ne: 0x47, i32LtU: 0x49, i32GtU: 0x4b, i32GeU: 0x4f, i32LeU: 0x4d,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32Shl: 0x74,
} as const;

export const get = (local: number): Code => [0x20, ...uleb(local)];
export const set = (local: number): Code => [0x21, ...uleb(local)];
export const tee = (local: number): Code => [0x22, ...uleb(local)];
export const i32 = (value: number): Code => [0x41, ...sleb(value)];

function simd(code: number, ...immediates: number[]): Code {
  return [0xfd, ...uleb(code), ...immediates];
}

/** Memory operations take an address from the stack plus a constant byte `offset`. */
export const v128Load = (offset = 0): Code => simd(0x00, 0, ...uleb(offset));
export const v128Store = (offset = 0): Code => simd(0x0b, 0, ...uleb(offset));
export const v128Load32Splat = (offset = 0): Code => simd(0x09, 0, ...uleb(offset));
export const v128Const = (bytes: readonly number[]): Code => simd(0x0c, ...bytes);
export const f32x4SplatConst = (value: number): Code => v128Const([...new Uint8Array(Float32Array.of(value, value, value, value).buffer)]);
export const i32x4SplatConst = (value: number): Code => v128Const([...new Uint8Array(Int32Array.of(value, value, value, value).buffer)]);
export const v128Zero: Code = v128Const(Array<number>(16).fill(0));
/** Picks four 32-bit lanes of the two vectors on the stack: 0–3 from the first, 4–7 from the second. */
export const shuffle32 = (lanes: readonly [number, number, number, number]): Code =>
  simd(0x0d, ...lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]));
export const i32x4Splat: Code = simd(0x11);
export const i32x4Eq: Code = simd(0x37);
export const f32x4Gt: Code = simd(0x44);
export const f32x4Add: Code = simd(0xe4);
export const f32x4Mul: Code = simd(0xe6);
export const v128And: Code = simd(0x4e);
export const v128Bitselect: Code = simd(0x52);

export interface WasmFunction {
  name: string;
  params: ValueType[];
  results?: ValueType[];
  /** Extra locals after the parameters, in order. */
  locals: ValueType[];
  body: Code;
}

/**
 * The bytes of a module exporting `functions`, which all work on the imported `env.memory`. Each
 * body leaves out its locals header and final `end`: they are written here.
 *
 * @example
 * // add(a, b) = a + b
 * const bytes = assembleModule([{ name: 'add', params: [I32, I32], results: [I32], locals: [], body: [get(0), get(1), op.i32Add] }]);
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const { add } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
 */
export function assembleModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector((f.results ?? []).map((t) => [t]))]);
  const imports = vector([[...name('env'), ...name('memory'), 0x02, 0x00, 1]]);
  const indices = vector(functions.map((_, i) => uleb(i)));
  const exports = vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const bodies = vector(functions.map((f) => {
    const body = [...localDeclarations(f.locals), ...flatten(f.body), op.end];
    return [...uleb(body.length), ...body];
  }));
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)), ...section(2, imports), ...section(3, indices),
    ...section(7, exports), ...section(10, bodies),
  ]);
}

export function flatten(code: Code): number[] {
  const out: number[] = [];
  const walk = (c: Code) => {
    if (typeof c === 'number') out.push(c);
    else for (const part of c) walk(part);
  };
  walk(code);
  return out;
}

/** Runs of equal types, as the code section declares locals. */
function localDeclarations(locals: readonly ValueType[]): number[] {
  const runs: number[][] = [];
  for (const type of locals) {
    const last = runs.at(-1);
    if (last !== undefined && last[1] === type) last[0]! += 1;
    else runs.push([1, type]);
  }
  return vector(runs.map(([count, type]) => [...uleb(count!), type!]));
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vector(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
