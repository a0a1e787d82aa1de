import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { simdKernelsOn, type SimdKernels } from './simd-kernels.js';

// One memory for every case: regions are carved from it by hand, in floats. (The compiler's lib
// has no WebAssembly types.)
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } };
const memory = new wasm.Memory({ initial: 64 });
const kernels = simdKernelsOn(memory) as SimdKernels;
const heap = () => new Float32Array(memory.buffer);
const rng = new Rng(5);
const randoms = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

function place(values: Float32Array, at: number): number {
  heap().set(values, at);
  return at * 4;
}

describe('gemmT', () => {
  it.each([
    [4, 8, 1], [8, 16, 5], [12, 4, 7], [4, 12, 3], [20, 36, 33],
  ])('%i×%i, depth %i: out = aᵀ·b, strided, overwriting or accumulating', (rows, cols, depth) => {
    const [lda, ldb, ldc] = [rows + 3, cols + 5, cols + 2];
    const a = randoms(depth * lda);
    const b = randoms(depth * ldb);
    const start = randoms(rows * ldc);
    const pa = place(a, 0);
    const pb = place(b, a.length);
    const po = place(start, a.length + b.length);
    const expected = (i: number, j: number) => {
      let s = 0;
      for (let k = 0; k < depth; k++) s += a[k * lda + i]! * b[k * ldb + j]!;
      return s;
    };
    kernels.gemmT(pa, lda * 4, pb, ldb * 4, po, ldc * 4, rows, cols, depth, 1, 0, 0, 0);
    let out = heap().subarray(po / 4, po / 4 + rows * ldc);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < ldc; j++) {
        if (j < cols) expect(out[i * ldc + j]).toBeCloseTo(expected(i, j), 4);
        else expect(out[i * ldc + j]).toBe(start[i * ldc + j]); // padding between rows untouched
      }
    }
    heap().set(start, po / 4);
    kernels.gemmT(pa, lda * 4, pb, ldb * 4, po, ldc * 4, rows, cols, depth, 1, 0, 0, 1);
    out = heap().subarray(po / 4, po / 4 + rows * ldc);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(out[i * ldc + j]).toBeCloseTo(start[i * ldc + j]! + expected(i, j), 4);
  });
});

describe('gemm', () => {
  it.each([[4, 8, 1], [8, 12, 6], [20, 36, 33]])('%i×%i, depth %i: out = a·b, strided, overwriting or accumulating', (rows, cols, depth) => {
    const [lda, ldb, ldc] = [depth + 2, cols + 1, cols + 3];
    const a = randoms(rows * lda);
    const b = randoms(depth * ldb);
    const start = randoms(rows * ldc);
    const pa = place(a, 0);
    const pb = place(b, a.length);
    const po = place(start, a.length + b.length);
    const expected = (i: number, j: number) => {
      let s = 0;
      for (let k = 0; k < depth; k++) s += a[i * lda + k]! * b[k * ldb + j]!;
      return s;
    };
    kernels.gemm(pa, lda * 4, pb, ldb * 4, po, ldc * 4, rows, cols, depth, 1, 0, 0, 1);
    const out = heap().subarray(po / 4, po / 4 + rows * ldc);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < ldc; j++) {
        expect(out[i * ldc + j]).toBeCloseTo(start[i * ldc + j]! + (j < cols ? expected(i, j) : 0), 4);
      }
    }
  });
});

describe('blocks of depth', () => {
  it.each([true, false])('transposed a %s: k runs over blocks, a and b skipping between them', (transposed) => {
    const [rows, cols, depth, blocks, aSkip, bSkip] = [8, 12, 5, 3, 7, 2];
    // Element (i, k) of block t: a at t·(depth·aStep + aSkip) + k·aStep + i·iStep.
    const [aStep, iStep] = transposed ? [rows + 1, 1] : [1, blocks * (depth + aSkip) + 3];
    const a = randoms((transposed ? blocks * (depth * aStep + aSkip) : rows * iStep) + rows + depth);
    const b = randoms(blocks * (depth * cols + bSkip));
    const pa = place(a, 0);
    const pb = place(b, a.length);
    const po = place(new Float32Array(rows * cols), a.length + b.length);
    const product = transposed ? kernels.gemmT : kernels.gemm;
    product(pa, (transposed ? aStep : iStep) * 4, pb, cols * 4, po, cols * 4, rows, cols, depth, blocks, aSkip * 4, bSkip * 4, 0);
    const out = heap().subarray(po / 4, po / 4 + rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let t = 0; t < blocks; t++) {
          for (let k = 0; k < depth; k++) {
            const ai = transposed ? t * (depth * aStep + aSkip) + k * aStep + i : i * iStep + t * (depth + aSkip) + k;
            sum += a[ai]! * b[t * (depth * cols + bSkip) + k * cols + j]!;
          }
        }
        expect(out[i * cols + j]).toBeCloseTo(sum, 4);
      }
    }
  });
});

describe('colSum', () => {
  it.each([[1, 4], [7, 8], [50, 36]])('%i rows × %i columns', (rows, cols) => {
    const x = randoms(rows * cols);
    const start = randoms(cols);
    const px = place(x, 0);
    const po = place(Float32Array.from([...start, 123]), x.length + 4);
    const sums = Array.from({ length: cols }, (_, j) => {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * cols + j]!;
      return s;
    });
    kernels.colSum(px, rows, cols, po, 1);
    heap().subarray(po / 4, po / 4 + cols).forEach((v, j) => expect(v).toBeCloseTo(start[j]! + sums[j]!, 5));
    kernels.colSum(px, rows, cols, po, 0);
    heap().subarray(po / 4, po / 4 + cols).forEach((v, j) => expect(v).toBeCloseTo(sums[j]!, 5));
    expect(heap()[po / 4 + cols]).toBe(123); // nothing written past the row
  });
});

describe('addRow and mulRow', () => {
  it.each([[1, 4], [5, 12], [33, 32]])('%i rows × %i columns: x + row and x · row', (rows, cols) => {
    const x = randoms(rows * cols);
    const row = randoms(cols);
    const px = place(x, 0);
    const pr = place(row, x.length);
    const po = place(Float32Array.from({ length: rows * cols + 1 }, () => 9), x.length + row.length);
    kernels.addRow(px, pr, po, rows, cols);
    expect(Array.from(heap().subarray(po / 4, po / 4 + rows * cols + 1))).toEqual([...Array.from(x, (v, i) => Math.fround(v + row[i % cols]!)), 9]);
    kernels.mulRow(px, pr, po, rows, cols);
    expect(Array.from(heap().subarray(po / 4, po / 4 + rows * cols))).toEqual(Array.from(x, (v, i) => Math.fround(v * row[i % cols]!)));
    kernels.mulRow(px, pr, px, rows, cols); // in place
    expect(Array.from(heap().subarray(px / 4, px / 4 + rows * cols))).toEqual(Array.from(x, (v, i) => Math.fround(v * row[i % cols]!)));
  });
});

describe('transpose', () => {
  it.each([[4, 4], [8, 12], [20, 8]])('%i × %i', (rows, cols) => {
    const x = randoms(rows * cols);
    const px = place(x, 0);
    const po = place(new Float32Array(rows * cols + 1).fill(5), x.length);
    kernels.transpose(px, rows, cols, po);
    const out = heap().slice(po / 4, po / 4 + rows * cols + 1);
    const expected = [...Array.from({ length: rows * cols }, (_, n) => x[(n % rows) * cols + Math.floor(n / rows)]!), 5];
    expect(Array.from(out)).toEqual(expected);
  });
});

describe('maxPoolGrad', () => {
  it.each([
    [2, 2, 3, 3, 4], [3, 2, 2, 4, 8], [1, 3, 3, 2, 4],
  ])('%i×%i windows, %i×%i of them, %i channels: dy to the first strict maximum', (fh, fw, outH, outW, channels) => {
    const inW = outW * fw + 1; // one column no window covers
    const inH = outH * fh;
    // Few distinct values, so windows have ties; and a NaN and a -Infinity.
    const x = Float32Array.from({ length: inH * inW * channels }, () => [0, 0, 1, 2, -1][rng.int(5)]!);
    x[3] = Number.NaN;
    x[channels + 1] = Number.NEGATIVE_INFINITY;
    const dy = randoms(outH * outW * channels);
    const px = place(x, 0);
    const pdy = place(dy, x.length);
    const pdx = place(new Float32Array(x.length).fill(7), x.length + dy.length);
    kernels.maxPoolGrad(px, pdy, pdx, outH, outW, channels, inW, fh, fw);
    const dx = heap().slice(pdx / 4, pdx / 4 + x.length);
    if (fh === 2 && fw === 2) {
      place(new Float32Array(x.length).fill(7), pdx / 4);
      kernels.maxPoolGrad2x2(px, pdy, pdx, outH, outW, channels, inW, 2, 2);
      expect(Array.from(heap().slice(pdx / 4, pdx / 4 + x.length))).toEqual(Array.from(dx));
    }
    const expected = new Float32Array(x.length).fill(7);
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let c = 0; c < channels; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let where = -1;
          for (let kh = 0; kh < fh; kh++) {
            for (let kw = 0; kw < fw; kw++) {
              const at = ((oh * fh + kh) * inW + ow * fw + kw) * channels + c;
              expected[at] = 0;
              if (x[at]! > best) {
                best = x[at]!;
                where = at;
              }
            }
          }
          if (where >= 0) expected[where] = dy[(oh * outW + ow) * channels + c]!;
        }
      }
    }
    expect(Array.from(dx)).toEqual(Array.from(expected));
  });
});

describe('on the wasm backend', () => {
  it("binds to the backend's own heap", async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const { ensureBackendRegistered } = await import('../backend-comparison.js');
    const { simdKernels } = await import('./simd-kernels.js');
    await ensureBackendRegistered('wasm');
    const backend = tf.findBackend('wasm') as Parameters<typeof simdKernels>[0];
    expect(simdKernels(backend)).toBeDefined();
    expect(simdKernels(backend)).toBe(simdKernels(backend));
  });
});
