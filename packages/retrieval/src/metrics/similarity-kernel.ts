import { InvalidArgumentError } from '@metricopt/core';
import { similarityKernelBytes } from './similarity-kernel-wasm.js';

const PAGE = 65536;
/** Gallery columns per kernel call: a depth × 512 float32 panel stays in a core's L2 cache. */
const PANEL_COLUMNS = 512;

// The compiler's lib has no WebAssembly types (no DOM lib, older @types/node): the little used here.
interface WasmMemory { readonly buffer: ArrayBuffer }
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/**
 * Scores a block of query rows against a whole gallery held transposed in WebAssembly memory:
 * scores[i][j] = Σ_k query[i][k] · gallery[j][k], exactly as a float32 loop over k would (see
 * similarity-kernel-wasm.ts). Memory: gallery·depth + blockRows·(depth + gallery) float32s.
 *
 * ```ts
 * const kernel = new SimilarityKernel(3, 2, 4);              // depth 3, 2 gallery rows, blocks of ≤ 4 queries
 * kernel.setGalleryRows(Float32Array.of(1, 0, 0, 0, 2, 0), 0, 3);
 * const scores = kernel.scoreRows(Float32Array.of(1, 1, 0), 0, 1, 3); // scores[0] = 1, scores[1] = 2
 * ```
 */
export class SimilarityKernel {
  /** Row stride of the score block: the gallery size rounded up to a multiple of 8. */
  readonly stride: number;
  private readonly memory: WasmMemory;
  private readonly block: (a: number, b: number, out: number, rows: number, cols: number, depth: number, ldb: number, ldc: number) => void;
  private readonly firstAbove: (row: number, from: number, end: number, threshold: number) => number;
  private readonly galleryAt: number;
  private readonly queryAt: number;
  private readonly scoresAt: number;
  private readonly paddedRows: number;

  constructor(
    readonly depth: number,
    readonly galleryCount: number,
    readonly blockRows: number,
  ) {
    this.stride = Math.ceil(galleryCount / 8) * 8;
    this.paddedRows = Math.ceil(blockRows / 4) * 4;
    const galleryFloats = depth * this.stride;
    const queryFloats = this.paddedRows * depth;
    const scoreFloats = this.paddedRows * this.stride;
    const bytes = 4 * (galleryFloats + queryFloats + scoreFloats);
    try {
      this.memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) + 1 });
    } catch (err) {
      throw new InvalidArgumentError(
        'SimilarityKernel', 'gallery', 'a gallery (and block) that fits in WebAssembly memory (4 GB at most)',
        `${galleryCount} rows of depth ${depth} and ${blockRows} query rows: ${(bytes / 2 ** 20).toFixed(0)} MB (${(err as Error).message})`,
      );
    }
    compiled ??= new wasm.Module(similarityKernelBytes());
    const instance = new wasm.Instance(compiled, { env: { memory: this.memory } });
    this.block = instance.exports.block as SimilarityKernel['block'];
    this.firstAbove = instance.exports.firstAbove as SimilarityKernel['firstAbove'];
    this.galleryAt = 0;
    this.queryAt = galleryFloats;
    this.scoresAt = galleryFloats + queryFloats;
  }

  /** Loads the gallery from rows stored row-major in `rows` (row j at (first + j)·depth), plus an optional extra coordinate. */
  setGalleryRows(rows: Float32Array, first: number, rowDepth: number, extra?: Float32Array): void {
    const gallery = new Float32Array(this.memory.buffer, this.galleryAt * 4, this.depth * this.stride);
    gallery.fill(0);
    const stride = this.stride;
    // Transposed in tiles of 64 rows, so both the reads and the writes stay within a few cache lines.
    for (let j0 = 0; j0 < this.galleryCount; j0 += 64) {
      const j1 = Math.min(j0 + 64, this.galleryCount);
      for (let k = 0; k < rowDepth; k++) {
        const to = k * stride;
        for (let j = j0; j < j1; j++) gallery[to + j] = rows[(first + j) * rowDepth + k]!;
      }
      if (extra !== undefined) for (let j = j0; j < j1; j++) gallery[rowDepth * stride + j] = extra[first + j]!;
    }
  }

  /**
   * Scores `count` query rows (row i = rows[(first + i)·rowDepth ..], then `extra` as the last
   * coordinate when given) against the gallery. Returns a view of the scores, row i at i·stride;
   * it is overwritten by the next call.
   */
  scoreRows(rows: Float32Array, first: number, count: number, rowDepth: number, extra?: number): Float32Array {
    const depth = this.depth;
    const padded = Math.ceil(count / 4) * 4;
    const query = new Float32Array(this.memory.buffer, this.queryAt * 4, this.paddedRows * depth);
    query.fill(0, 0, padded * depth);
    for (let i = 0; i < count; i++) {
      query.set(rows.subarray((first + i) * rowDepth, (first + i + 1) * rowDepth), i * depth);
      if (extra !== undefined) query[i * depth + rowDepth] = extra;
    }
    for (let c = 0; c < this.stride; c += PANEL_COLUMNS) {
      const cols = Math.min(PANEL_COLUMNS, this.stride - c);
      this.block(this.queryAt * 4, (this.galleryAt + c) * 4, (this.scoresAt + c) * 4, padded, cols, depth, this.stride, this.stride);
    }
    return new Float32Array(this.memory.buffer, this.scoresAt * 4, padded * this.stride);
  }

  /**
   * A ScoreScan for views returned by scoreRows: the first position in [from, end) whose score is
   * above threshold, or end — 16 scores per step.
   */
  readonly scan = (row: Float32Array, from: number, end: number, threshold: number): number =>
    this.firstAbove(row.byteOffset, from, end, threshold);
}
