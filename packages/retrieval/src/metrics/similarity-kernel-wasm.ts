import { assembleModule, uleb, F32, I32, V128, type ValueType } from '@metricopt/core/wasm';

/**
 * The bytes of a tiny WebAssembly module (SIMD, no dependencies) with three functions on the
 * imported memory `env.memory` (pointers in bytes, float32 data):
 *
 *   block(a, b, out, rows, cols, depth, ldb, ldc)
 *     out[i·ldc + j] = Σ_k a[i·depth + k] · b[k·ldb + j] for i < rows, j < cols (rows a multiple
 *     of 4, cols of 8). Each output is accumulated in k order with a float32 multiply then a
 *     float32 add, so its value does not depend on where the block starts or how big it is —
 *     chunked and whole-matrix runs agree bit for bit.
 *   firstAbove(row, from, end, threshold) → the first i in [from, end) with row[i] > threshold, or end
 *     (16 scores per step: the scan of top-k selection).
 *   firstAboveEach(row, thresholds, from, end) → the first i in [from, end) with row[i] > thresholds[i],
 *     or end (the same, each position against its own threshold).
 *
 * The instructions are written out by hand because the project has no WebAssembly toolchain;
 * core's assembler lays out the module around them.
 */
export function similarityKernelBytes(): Uint8Array {
  const blockLocals = [...Array<ValueType>(8).fill(I32), ...Array<ValueType>(14).fill(V128)];
  const scanLocals: ValueType[] = [I32, I32, V128]; // at, limit, splat
  return assembleModule([
    { name: 'block', params: Array<ValueType>(8).fill(I32), locals: blockLocals, body: kernelBody() },
    { name: 'firstAbove', params: [I32, I32, I32, F32], results: [I32], locals: scanLocals, body: firstAboveBody(false) },
    { name: 'firstAboveEach', params: [I32, I32, I32, I32], results: [I32], locals: scanLocals, body: firstAboveBody(true) },
  ]);
}

// Parameters, then locals, by index. Bodies below leave out the locals header and the final
// `end`: assembleModule writes both.
const [A, B, OUT, ROWS, COLS, DEPTH, LDB, LDC] = [0, 1, 2, 3, 4, 5, 6, 7];
const [I, J, K, PA, PB, PO, ROW_BYTES, LDB_BYTES] = [8, 9, 10, 11, 12, 13, 14, 15];
const ACC = 16; // 8 v128 accumulators: acc[r·2 + c] for row r < 4, column group c < 2
const AV = 24; // 4 v128 splats of a
const BV = 28; // 2 v128 loads of b

const op = {
  block: 0x02, loop: 0x03, brIf: 0x0d, end: 0x0b,
  get: 0x20, set: 0x21, tee: 0x22,
  i32Const: 0x41, i32LtU: 0x49, i32GtU: 0x4b, i32GeU: 0x4f, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32Shl: 0x74,
  br: 0x0c, if: 0x04, return: 0x0f, f32Load: 0x2a, f32Gt: 0x5e,
};

function simd(code: number, ...immediates: number[]): number[] {
  return [0xfd, ...uleb(code), ...immediates];
}
const v128Load = (offset: number) => simd(0x00, 2, ...uleb(offset));
const v128Store = (offset: number) => simd(0x0b, 2, ...uleb(offset));
const load32Splat = simd(0x09, 2, 0);
const v128Zero = simd(0x0c, ...Array<number>(16).fill(0));
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);
const f32x4Splat = simd(0x13);
const f32x4Gt = simd(0x44);
const v128Or = simd(0x50);
const v128AnyTrue = simd(0x53);

/** firstAbove (one threshold, parameter 1 before from) or firstAboveEach (parameter 1 points at per-position thresholds). */
function firstAboveBody(each: boolean): number[] {
  // Parameters: row, from, end, threshold — or row, thresholds, from, end.
  const [ROW, FROM, END, THRESHOLD] = each ? [0, 2, 3, 1] : [0, 1, 2, 3];
  const [AT, LIMIT, SPLAT] = [4, 5, 6];
  const get = (local: number) => [op.get, local];
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const part of parts) {
      if (Array.isArray(part)) code.push(...part);
      else code.push(part);
    }
  };
  const address = (base: number) => [...get(AT), op.i32Const, 2, op.i32Shl, ...get(base), op.i32Add];
  const against = (offset: number) => (each ? [...address(THRESHOLD), ...v128Load(offset)] : get(SPLAT));
  const compareAt = (offset: number) => [...address(ROW), ...v128Load(offset), ...against(offset), ...f32x4Gt];
  if (!each) emit(get(THRESHOLD), f32x4Splat, op.set, SPLAT);
  emit(get(FROM), op.set, AT);
  // limit = end − 16 (when end ≥ 16): the vector loop runs while at ≤ limit.
  emit(op.block, 0x40);
  emit(get(END), op.i32Const, 16, op.i32LtU, op.brIf, 0);
  emit(get(END), op.i32Const, 16, op.i32Sub, op.set, LIMIT);
  emit(op.loop, 0x40);
  emit(get(AT), get(LIMIT), op.i32GtU, op.brIf, 1);
  emit(compareAt(0), compareAt(16), v128Or, compareAt(32), compareAt(48), v128Or, v128Or, v128AnyTrue, op.brIf, 1);
  emit(get(AT), op.i32Const, 16, op.i32Add, op.set, AT, op.br, 0);
  emit(op.end, op.end);
  // Scalar tail, and the exact position inside a 16-score window that had a hit.
  emit(op.block, 0x40, op.loop, 0x40);
  emit(get(AT), get(END), op.i32GeU, op.brIf, 1);
  emit(address(ROW), op.f32Load, 2, 0);
  emit(each ? [...address(THRESHOLD), op.f32Load, 2, 0] : get(THRESHOLD), op.f32Gt);
  emit(op.if, 0x40, get(AT), op.return, op.end);
  emit(get(AT), op.i32Const, 1, op.i32Add, op.set, AT, op.br, 0);
  emit(op.end, op.end);
  emit(get(END));
  return code;
}

function kernelBody(): number[] {
  const get = (local: number) => [op.get, local];
  const set = (local: number) => [op.set, local];
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const part of parts) {
      if (Array.isArray(part)) code.push(...part);
      else code.push(part);
    }
  };
  // rowBytes = depth·4, ldbBytes = ldb·4
  emit(get(DEPTH), op.i32Const, 4, op.i32Mul, set(ROW_BYTES));
  emit(get(LDB), op.i32Const, 4, op.i32Mul, set(LDB_BYTES));
  emit(op.i32Const, 0, set(I));
  emit(op.loop, 0x40); // over row groups of 4
  emit(op.i32Const, 0, set(J));
  emit(op.loop, 0x40); // over column groups of 8
  for (let r = 0; r < 8; r++) emit(v128Zero, set(ACC + r));
  // pa = a + i·rowBytes; pb = b + j·4; k = depth
  emit(get(A), get(I), get(ROW_BYTES), op.i32Mul, op.i32Add, set(PA));
  emit(get(B), get(J), op.i32Const, 4, op.i32Mul, op.i32Add, set(PB));
  emit(get(DEPTH), set(K));
  emit(op.loop, 0x40); // over k
  emit(get(PB), v128Load(0), set(BV));
  emit(get(PB), v128Load(16), set(BV + 1));
  for (let r = 0; r < 4; r++) {
    emit(get(PA));
    for (let s = 0; s < r; s++) emit(get(ROW_BYTES), op.i32Add);
    emit(load32Splat, set(AV + r));
  }
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) {
      emit(get(ACC + r * 2 + c), get(AV + r), get(BV + c), f32x4Mul, f32x4Add, set(ACC + r * 2 + c));
    }
  }
  emit(get(PA), op.i32Const, 4, op.i32Add, set(PA));
  emit(get(PB), get(LDB_BYTES), op.i32Add, set(PB));
  emit(get(K), op.i32Const, 1, op.i32Sub, op.tee, K, op.brIf, 0);
  emit(op.end);
  // po = out + (i·ldc + j)·4; store the 4×8 block row by row
  emit(get(OUT), get(I), get(LDC), op.i32Mul, get(J), op.i32Add, op.i32Const, 4, op.i32Mul, op.i32Add, set(PO));
  for (let r = 0; r < 4; r++) {
    if (r > 0) emit(get(PO), get(LDC), op.i32Const, 4, op.i32Mul, op.i32Add, set(PO));
    emit(get(PO), get(ACC + r * 2), v128Store(0));
    emit(get(PO), get(ACC + r * 2 + 1), v128Store(16));
  }
  emit(get(J), op.i32Const, 8, op.i32Add, op.tee, J, get(COLS), op.i32LtU, op.brIf, 0);
  emit(op.end);
  emit(get(I), op.i32Const, 4, op.i32Add, op.tee, I, get(ROWS), op.i32LtU, op.brIf, 0);
  emit(op.end);
  return code;
}
