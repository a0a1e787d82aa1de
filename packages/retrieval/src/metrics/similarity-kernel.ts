import { similarityKernelBytes } from './similarity-kernel-wasm.js';

const PAGE = 65536;
/** The most memory a WebAssembly (wasm32) instance can address. */
export const WASM_MEMORY_LIMIT = 4 * 2 ** 30;
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
  private readonly firstAboveEach: (row: number, thresholds: number, from: number, end: number) => number;
  private readonly galleryAt: number;
  private readonly queryAt: number;
  private readonly scoresAt: number;
  private readonly thresholdsAt: number;
  private readonly paddedRows: number;
  private loadedRows = 0;

  /** `thresholds`: also hold one threshold per gallery item (see `thresholds` and `scanEach`). */
  constructor(
    readonly depth: number,
    readonly galleryCount: number,
    readonly blockRows: number,
    options: { thresholds?: boolean } = {},
  ) {
    this.stride = Math.ceil(galleryCount / 8) * 8;
    this.paddedRows = Math.ceil(blockRows / 4) * 4;
    const galleryFloats = depth * this.stride;
    const queryFloats = this.paddedRows * depth;
    const scoreFloats = this.paddedRows * this.stride;
    const thresholdFloats = options.thresholds === true ? this.stride : 0;
    const bytes = SimilarityKernel.bytesNeeded(depth, galleryCount, blockRows, options.thresholds === true);
    try {
      this.memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
    } catch (err) {
      // Callers check bytesNeeded against WASM_MEMORY_LIMIT first; this is the machine refusing.
      throw new RangeError(`SimilarityKernel: could not allocate ${(bytes / 2 ** 20).toFixed(0)} MB of WebAssembly memory (${(err as Error).message})`);
    }
    compiled ??= new wasm.Module(similarityKernelBytes());
    const instance = new wasm.Instance(compiled, { env: { memory: this.memory } });
    this.block = instance.exports.block as SimilarityKernel['block'];
    this.firstAbove = instance.exports.firstAbove as SimilarityKernel['firstAbove'];
    this.firstAboveEach = instance.exports.firstAboveEach as SimilarityKernel['firstAboveEach'];
    this.galleryAt = 0;
    this.queryAt = galleryFloats;
    this.scoresAt = galleryFloats + queryFloats;
    this.thresholdsAt = this.scoresAt + scoreFloats;
    this.thresholds = new Float32Array(this.memory.buffer, this.thresholdsAt * 4, thresholdFloats);
    this.scores = new Float32Array(this.memory.buffer, this.scoresAt * 4, scoreFloats);
  }

  /** Bytes of WebAssembly memory a kernel with these sizes takes. */
  static bytesNeeded(depth: number, galleryCount: number, blockRows: number, thresholds = false): number {
    const stride = Math.ceil(galleryCount / 8) * 8;
    const paddedRows = Math.ceil(blockRows / 4) * 4;
    return 4 * (depth * stride + paddedRows * depth + paddedRows * stride + (thresholds ? stride : 0)) + PAGE;
  }

  /** One threshold per gallery item, for scanEach (empty unless asked for). */
  readonly thresholds: Float32Array;
  /** The score block: query row i of the last loadQueries at i·stride. */
  readonly scores: Float32Array;

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
   * coordinate when given) against the gallery. Returns the score block (`scores`), row i at
   * i·stride; it is overwritten by the next call.
   */
  scoreRows(rows: Float32Array, first: number, count: number, rowDepth: number, extra?: number): Float32Array {
    this.loadQueries(rows, first, count, rowDepth, extra);
    return this.scorePanel(0, this.stride);
  }

  /** Loads the query rows that scorePanel scores (see scoreRows). */
  loadQueries(rows: Float32Array, first: number, count: number, rowDepth: number, extra?: number): void {
    const depth = this.depth;
    const padded = Math.ceil(count / 4) * 4;
    const query = new Float32Array(this.memory.buffer, this.queryAt * 4, this.paddedRows * depth);
    query.fill(0, 0, padded * depth);
    for (let i = 0; i < count; i++) {
      query.set(rows.subarray((first + i) * rowDepth, (first + i + 1) * rowDepth), i * depth);
      if (extra !== undefined) query[i * depth + rowDepth] = extra;
    }
    this.loadedRows = padded;
  }

  /** Scores the loaded queries against gallery columns [from, to) (multiples of 8) only; returns `scores`. */
  scorePanel(from: number, to: number): Float32Array {
    for (let c = from; c < to; c += PANEL_COLUMNS) {
      const cols = Math.min(PANEL_COLUMNS, to - c);
      this.block(this.queryAt * 4, (this.galleryAt + c) * 4, (this.scoresAt + c) * 4, this.loadedRows, cols, this.depth, this.stride, this.stride);
    }
    return this.scores;
  }

  /** The first column j in [from, end) with scores[rowStart + j] > thresholds[j], or end. */
  scanEach(rowStart: number, from: number, end: number): number {
    return this.firstAboveEach((this.scoresAt + rowStart) * 4, this.thresholdsAt * 4, from, end);
  }

  /**
   * A ScoreScan for views returned by scoreRows: the first position in [from, end) whose score is
   * above threshold, or end — 16 scores per step.
   */
  readonly scan = (row: Float32Array, from: number, end: number, threshold: number): number =>
    this.firstAbove(row.byteOffset, from, end, threshold);
}
