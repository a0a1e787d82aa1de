/**
 * The bytes of a tiny WebAssembly module (SIMD, no dependencies) with one function,
 *
 *   block(a, b, out, rows, cols, depth, ldb, ldc)
 *
 * that writes out[i·ldc + j] = Σ_k a[i·depth + k] · b[k·ldb + j] for i < rows, j < cols (float32
 * pointers in bytes into the imported memory `env.memory`; rows a multiple of 4, cols of 8).
 * Each output is accumulated in k order with a float32 multiply then a float32 add, so its value
 * does not depend on where the block starts or how big it is — chunked and whole-matrix runs agree
 * bit for bit. Written out by hand because the project has no WebAssembly toolchain.
 */
export function similarityKernelBytes(): Uint8Array {
  const body = kernelBody();
  const typeSection = section(1, [1, 0x60, 8, ...Array<number>(8).fill(I32), 0]);
  const importSection = section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]);
  const functionSection = section(3, [1, 0]);
  const exportSection = section(7, [1, ...name('block'), 0x00, 0]);
  const codeSection = section(10, [1, ...uleb(body.length), ...body]);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...typeSection, ...importSection, ...functionSection, ...exportSection, ...codeSection,
  ]);
}

const I32 = 0x7f;
const V128 = 0x7b;

// Parameters, then locals, by index.
const [A, B, OUT, ROWS, COLS, DEPTH, LDB, LDC] = [0, 1, 2, 3, 4, 5, 6, 7];
const [I, J, K, PA, PB, PO, ROW_BYTES, LDB_BYTES] = [8, 9, 10, 11, 12, 13, 14, 15];
const ACC = 16; // 8 v128 accumulators: acc[r·2 + c] for row r < 4, column group c < 2
const AV = 24; // 4 v128 splats of a
const BV = 28; // 2 v128 loads of b

const op = {
  block: 0x02, loop: 0x03, brIf: 0x0d, end: 0x0b,
  get: 0x20, set: 0x21, tee: 0x22,
  i32Const: 0x41, i32LtU: 0x49, i32Ne: 0x47, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c,
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
  emit(op.end); // function
  const locals = [2, 8, I32, 14, V128]; // 8 i32 locals, then 14 v128 locals
  return [...locals, ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function uleb(value: number): number[] {
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
