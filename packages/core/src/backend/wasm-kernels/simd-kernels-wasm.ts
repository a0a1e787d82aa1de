import {
  I32, V128, assembleModule, f32x4Add, f32x4Gt, f32x4Mul, f32x4SplatConst, get, i32, i32x4Eq, i32x4Splat,
  i32x4SplatConst, op, set, tee, v128And, v128Bitselect, v128Load, v128Load32Splat, v128Store, v128Zero,
  shuffle32, type Code, type ValueType,
} from './wasm-assembler.js';

/**
 * The bytes of MetricOpt's wasm SIMD training kernels, run on tfjs-backend-wasm's own memory
 * (pointers and strides in bytes, data float32):
 *
 *   gemmT(a, lda, b, ldb, out, ldc, rows, cols, depth, blocks, aSkip, bSkip, accumulate)
 *     out[i·ldc + j] (+)= Σ_k a[k·lda + i] · b[k·ldb + j]  for i < rows (a multiple of 4), j < cols
 *     (a multiple of 4): a product with the first operand transposed, in 4×8 register tiles.
 *     k runs over `blocks` blocks of `depth` steps; after each block a's pointer moves aSkip bytes
 *     further and b's bSkip (0 and 0, or blocks = 1, for a plain product): rows of an image whose
 *     padding is skipped. `accumulate` ≠ 0 adds to out instead of overwriting it.
 *   gemm(a, lda, b, ldb, out, ldc, rows, cols, depth, blocks, aSkip, bSkip, accumulate)
 *     the same with a row-major: out[i·ldc + j] (+)= Σ_k a[i·lda + k] · b[k·ldb + j].
 *   colSum(x, rows, cols, out, accumulate)
 *     out[j] (+)= Σ_{r < rows} x[r·cols + j]  for j < cols (a multiple of 4, rows ≥ 1).
 *   maxPoolGrad(x, dy, dx, outHeight, outWidth, channels, inWidth, filterHeight, filterWidth)
 *     one image of a max pool whose windows tile the input (stride = filter, no padding): dx at
 *     each window's first strict maximum (row-major) gets dy, every other position of the window
 *     0; channels a multiple of 4. Positions outside every window are left alone.
 *   maxPoolGrad2x2(...): the same for 2×2 windows (filter sizes 2 and 2), the taps unrolled.
 *   addRow(x, row, out, rows, cols) / mulRow(...)
 *     out[r·cols + j] = x[r·cols + j] + row[j] (or ·) for r < rows (≥ 1), j < cols (a multiple of
 *     4): a bias or FiLM scale broadcast over the leading axes.
 *   transpose(x, rows, cols, out)
 *     out[j·rows + i] = x[i·cols + j] for a rows × cols matrix, both multiples of 4.
 */
export function trainingKernelBytes(): Uint8Array {
  return assembleModule([
    gemmKernel(true), gemmKernel(false), colSum(), maxPoolGrad(), rowBroadcast('addRow', f32x4Add), rowBroadcast('mulRow', f32x4Mul),
    transpose(), maxPoolGrad(true),
  ]);
}

/** Numbers the parameters then the locals of one function, in declaration order. */
function frame<P extends string, L extends string>(params: readonly P[], locals: ReadonlyArray<readonly [L, ValueType]>) {
  const index = {} as Record<P | L, number>;
  params.forEach((name, i) => (index[name] = i));
  locals.forEach(([name], i) => (index[name] = params.length + i));
  return { index, params: params.map(() => I32 as ValueType), locals: locals.map(([, type]) => type) };
}

const add = (a: Code, b: Code): Code => [a, b, op.i32Add];
const mul = (a: Code, b: Code): Code => [a, b, op.i32Mul];
const inc = (local: number, by: Code): Code => [get(local), by, op.i32Add, set(local)];

/**
 * gemmT (a read transposed: a[k·lda + i]) or gemm (a row-major: a[i·lda + k]); b is row-major in
 * both. 4×8 register tiles: per k, two vectors of b and four broadcast values of a.
 */
function gemmKernel(transposedA: boolean) {
  const accLocals = Array.from({ length: 8 }, (_, n) => [`acc${n}`, V128] as const);
  const { index: x, params, locals } = frame(
    ['a', 'lda', 'b', 'ldb', 'out', 'ldc', 'rows', 'cols', 'depth', 'blocks', 'aSkip', 'bSkip', 'accumulate'] as const,
    [
      ['i', I32], ['j', I32], ['k', I32], ['block', I32], ['pa', I32], ['pa1', I32], ['pa2', I32], ['pa3', I32], ['pb', I32], ['po', I32],
      ...accLocals, ['av', V128], ['b0', V128], ['b1', V128],
    ] as const,
  );
  const acc = (r: number, c: number) => x[`acc${r * 2 + c}` as `acc${number}`] as number;
  const rowAddress = (r: number): Code => (r === 0 ? get(x.po) : add(get(x.po), mul(get(x.ldc), i32(r))));
  const rowPointers = [x.pa, x.pa1, x.pa2, x.pa3];
  // Transposed: the 4 rows are adjacent floats at pa. Row-major: one pointer per row, lda apart.
  const loadA = (r: number): Code => (transposedA ? [get(x.pa), v128Load32Splat(4 * r)] : [get(rowPointers[r]!), v128Load32Splat(0)]);
  const advanceA: Code = transposedA ? inc(x.pa, get(x.lda)) : rowPointers.map((p) => inc(p, i32(4)));
  const skipA: Code = transposedA ? inc(x.pa, get(x.aSkip)) : rowPointers.map((p) => inc(p, get(x.aSkip)));
  const startA: Code = transposedA
    ? [get(x.a), get(x.i), i32(2), op.i32Shl, op.i32Add, set(x.pa)]
    : [
      get(x.a), mul(get(x.i), get(x.lda)), op.i32Add, set(x.pa),
      ...[1, 2, 3].map((r) => [get(x.pa), mul(get(x.lda), i32(r)), op.i32Add, set(rowPointers[r]!)]),
    ];
  // One 4-row tile of `vectors` × 4 columns at (i, j).
  const tile = (vectors: 1 | 2): Code => {
    const bs = [x.b0, x.b1];
    // po = out + i·ldc + j·4; pb = b + j·4
    const code: Code[] = [[get(x.out), mul(get(x.i), get(x.ldc)), op.i32Add, get(x.j), i32(2), op.i32Shl, op.i32Add, set(x.po)]];
    code.push(startA);
    code.push([get(x.b), get(x.j), i32(2), op.i32Shl, op.i32Add, set(x.pb)]);
    code.push([get(x.accumulate), op.if]);
    for (let r = 0; r < 4; r++) for (let c = 0; c < vectors; c++) code.push([rowAddress(r), v128Load(16 * c), set(acc(r, c))]);
    code.push(op.else);
    for (let r = 0; r < 4; r++) for (let c = 0; c < vectors; c++) code.push([v128Zero, set(acc(r, c))]);
    code.push(op.end);
    code.push([get(x.blocks), set(x.block), op.loop]);
    code.push([get(x.depth), set(x.k), op.loop]);
    for (let c = 0; c < vectors; c++) code.push([get(x.pb), v128Load(16 * c), set(bs[c]!)]);
    for (let r = 0; r < 4; r++) {
      code.push([loadA(r), set(x.av)]);
      for (let c = 0; c < vectors; c++) code.push([get(acc(r, c)), get(x.av), get(bs[c]!), f32x4Mul, f32x4Add, set(acc(r, c))]);
    }
    code.push([advanceA, inc(x.pb, get(x.ldb))]);
    code.push([get(x.k), i32(1), op.i32Sub, tee(x.k), op.brIf, 0, op.end]);
    code.push([skipA, inc(x.pb, get(x.bSkip))]);
    code.push([get(x.block), i32(1), op.i32Sub, tee(x.block), op.brIf, 0, op.end]);
    for (let r = 0; r < 4; r++) for (let c = 0; c < vectors; c++) code.push([rowAddress(r), get(acc(r, c)), v128Store(16 * c)]);
    return code;
  };
  const body: Code = [
    i32(0), set(x.i),
    op.loop,
    i32(0), set(x.j),
    op.block, op.loop,
    // while j + 8 ≤ cols: an 8-column tile
    get(x.j), i32(8), op.i32Add, get(x.cols), op.i32GtU, op.brIf, 1,
    tile(2),
    inc(x.j, i32(8)), op.br, 0,
    op.end, op.end,
    // a last 4-column tile
    get(x.j), get(x.cols), op.i32LtU, op.if, tile(1), op.end,
    get(x.i), i32(4), op.i32Add, tee(x.i), get(x.rows), op.i32LtU, op.brIf, 0,
    op.end,
  ];
  return { name: transposedA ? 'gemmT' : 'gemm', params, locals, body };
}

function colSum() {
  const { index: x, params, locals } = frame(
    ['x', 'rows', 'cols', 'out', 'accumulate'] as const,
    [['r', I32], ['po', I32], ['end', I32], ['px', I32]] as const,
  );
  const body: Code = [
    // end = out + cols·4
    get(x.out), get(x.cols), i32(2), op.i32Shl, op.i32Add, set(x.end),
    get(x.accumulate), op.i32Eqz, op.if,
    get(x.out), set(x.po),
    op.loop, get(x.po), v128Zero, v128Store(0), get(x.po), i32(16), op.i32Add, tee(x.po), get(x.end), op.i32LtU, op.brIf, 0, op.end,
    op.end,
    get(x.x), set(x.px), get(x.rows), set(x.r),
    op.loop,
    get(x.out), set(x.po),
    op.loop,
    get(x.po), get(x.po), v128Load(0), get(x.px), v128Load(0), f32x4Add, v128Store(0),
    inc(x.px, i32(16)),
    get(x.po), i32(16), op.i32Add, tee(x.po), get(x.end), op.i32LtU, op.brIf, 0,
    op.end,
    get(x.r), i32(1), op.i32Sub, tee(x.r), op.brIf, 0,
    op.end,
  ];
  return { name: 'colSum', params, locals, body };
}

/** out[r·cols + j] = x[r·cols + j] (+ or ·) row[j] for r < rows, j < cols (a multiple of 4). */
function rowBroadcast(name: string, combine: Code) {
  const { index: x, params, locals } = frame(
    ['x', 'row', 'out', 'rows', 'cols'] as const,
    [['px', I32], ['po', I32], ['pr', I32], ['rowEnd', I32], ['end', I32]] as const,
  );
  const body: Code = [
    get(x.x), set(x.px), get(x.out), set(x.po),
    get(x.row), get(x.cols), i32(2), op.i32Shl, op.i32Add, set(x.rowEnd),
    get(x.out), get(x.rows), get(x.cols), op.i32Mul, i32(2), op.i32Shl, op.i32Add, set(x.end),
    op.loop,
    get(x.row), set(x.pr),
    op.loop,
    get(x.po), get(x.px), v128Load(0), get(x.pr), v128Load(0), combine, v128Store(0),
    inc(x.px, i32(16)), inc(x.po, i32(16)),
    get(x.pr), i32(16), op.i32Add, tee(x.pr), get(x.rowEnd), op.i32LtU, op.brIf, 0,
    op.end,
    get(x.po), get(x.end), op.i32LtU, op.brIf, 0,
    op.end,
  ];
  return { name, params, locals, body };
}

/** out[j·rows + i] = x[i·cols + j] for a rows × cols matrix (both multiples of 4), in 4×4 blocks. */
function transpose() {
  const { index: x, params, locals } = frame(
    ['x', 'rows', 'cols', 'out'] as const,
    [
      ['i', I32], ['j', I32], ['rowBytes', I32], ['colBytes', I32], ['px', I32], ['po', I32],
      ['r0', V128], ['r1', V128], ['r2', V128], ['r3', V128], ['t0', V128], ['t1', V128], ['t2', V128], ['t3', V128],
    ] as const,
  );
  const rowsIn = [x.r0, x.r1, x.r2, x.r3];
  const body: Code = [
    get(x.cols), i32(2), op.i32Shl, set(x.rowBytes), get(x.rows), i32(2), op.i32Shl, set(x.colBytes),
    i32(0), set(x.i),
    op.loop,
    i32(0), set(x.j),
    op.loop,
    // px = x + i·rowBytes + j·4; po = out + j·colBytes + i·4
    get(x.x), mul(get(x.i), get(x.rowBytes)), op.i32Add, get(x.j), i32(2), op.i32Shl, op.i32Add, set(x.px),
    get(x.out), mul(get(x.j), get(x.colBytes)), op.i32Add, get(x.i), i32(2), op.i32Shl, op.i32Add, set(x.po),
    rowsIn.map((r, n) => [get(x.px), ...(n > 0 ? [mul(get(x.rowBytes), i32(n)), op.i32Add] : []), v128Load(0), set(r)]),
    get(x.r0), get(x.r1), shuffle32([0, 4, 1, 5]), set(x.t0),
    get(x.r0), get(x.r1), shuffle32([2, 6, 3, 7]), set(x.t1),
    get(x.r2), get(x.r3), shuffle32([0, 4, 1, 5]), set(x.t2),
    get(x.r2), get(x.r3), shuffle32([2, 6, 3, 7]), set(x.t3),
    [[x.t0, x.t2, [0, 1, 4, 5]], [x.t0, x.t2, [2, 3, 6, 7]], [x.t1, x.t3, [0, 1, 4, 5]], [x.t1, x.t3, [2, 3, 6, 7]]].map(
      ([a, b, lanes], n) => [
        get(x.po), ...(n > 0 ? [mul(get(x.colBytes), i32(n)), op.i32Add] : []),
        get(a as number), get(b as number), shuffle32(lanes as [number, number, number, number]), v128Store(0),
      ],
    ),
    get(x.j), i32(4), op.i32Add, tee(x.j), get(x.cols), op.i32LtU, op.brIf, 0,
    op.end,
    get(x.i), i32(4), op.i32Add, tee(x.i), get(x.rows), op.i32LtU, op.brIf, 0,
    op.end,
  ];
  return { name: 'transpose', params, locals, body };
}

/** maxPoolGrad; `unrolled`: the 2×2 case with its four taps written out. */
function maxPoolGrad(unrolled = false) {
  const { index: x, params, locals } = frame(
    ['x', 'dy', 'dx', 'outHeight', 'outWidth', 'channels', 'inWidth', 'filterHeight', 'filterWidth'] as const,
    [
      ['oh', I32], ['ow', I32], ['c', I32], ['kh', I32], ['kw', I32], ['tap', I32], ['offset', I32], ['row', I32], ['at', I32],
      ['pixelBytes', I32], ['rowBytes', I32], ['pdy', I32],
      ['best', V128], ['where', V128], ['g', V128], ['mask', V128],
    ] as const,
  );
  // Visits the window's taps row-major; `visit` sees the tap's byte offset from the image start in `at`.
  const taps = (visit: Code): Code => unrolled ? unrolledTaps(visit) : loopedTaps(visit);
  const unrolledTaps = (visit: Code): Code => [0, 1, 2, 3].map((tap) => [
    i32(tap), set(x.tap),
    get(x.offset), get(x.c), op.i32Add, ...(tap >= 2 ? [get(x.rowBytes), op.i32Add] : []), ...(tap % 2 === 1 ? [get(x.pixelBytes), op.i32Add] : []),
    set(x.at),
    visit,
  ]);
  const loopedTaps = (visit: Code): Code => [
    i32(0), set(x.tap), get(x.offset), get(x.c), op.i32Add, set(x.row), i32(0), set(x.kh),
    op.loop,
    get(x.row), set(x.at), i32(0), set(x.kw),
    op.loop,
    visit,
    inc(x.at, get(x.pixelBytes)), inc(x.tap, i32(1)),
    get(x.kw), i32(1), op.i32Add, tee(x.kw), get(x.filterWidth), op.i32LtU, op.brIf, 0,
    op.end,
    inc(x.row, get(x.rowBytes)),
    get(x.kh), i32(1), op.i32Add, tee(x.kh), get(x.filterHeight), op.i32LtU, op.brIf, 0,
    op.end,
  ];
  // The mask of lanes where this tap is strictly above the best so far: the first maximum wins, NaN never does.
  const findMax: Code = [
    get(x.x), get(x.at), op.i32Add, v128Load(0), tee(x.g), get(x.best), f32x4Gt, set(x.mask),
    get(x.tap), i32x4Splat, get(x.where), get(x.mask), v128Bitselect, set(x.where),
    get(x.g), get(x.best), get(x.mask), v128Bitselect, set(x.best),
  ];
  const scatter: Code = [
    get(x.dx), get(x.at), op.i32Add,
    get(x.g), get(x.where), get(x.tap), i32x4Splat, i32x4Eq, v128And,
    v128Store(0),
  ];
  const body: Code = [
    get(x.channels), i32(2), op.i32Shl, set(x.pixelBytes),
    get(x.inWidth), get(x.pixelBytes), op.i32Mul, set(x.rowBytes),
    get(x.dy), set(x.pdy), i32(0), set(x.oh),
    op.loop,
    i32(0), set(x.ow),
    op.loop,
    // offset = (oh·filterHeight·inWidth + ow·filterWidth)·pixelBytes
    get(x.oh), get(x.filterHeight), op.i32Mul, get(x.inWidth), op.i32Mul, get(x.ow), get(x.filterWidth), op.i32Mul, op.i32Add,
    get(x.pixelBytes), op.i32Mul, set(x.offset),
    i32(0), set(x.c),
    op.loop,
    f32x4SplatConst(Number.NEGATIVE_INFINITY), set(x.best), i32x4SplatConst(-1), set(x.where),
    taps(findMax),
    get(x.pdy), v128Load(0), set(x.g), inc(x.pdy, i32(16)),
    taps(scatter),
    get(x.c), i32(16), op.i32Add, tee(x.c), get(x.pixelBytes), op.i32LtU, op.brIf, 0,
    op.end,
    get(x.ow), i32(1), op.i32Add, tee(x.ow), get(x.outWidth), op.i32LtU, op.brIf, 0,
    op.end,
    get(x.oh), i32(1), op.i32Add, tee(x.oh), get(x.outHeight), op.i32LtU, op.brIf, 0,
    op.end,
  ];
  return { name: unrolled ? 'maxPoolGrad2x2' : 'maxPoolGrad', params, locals, body };
}
