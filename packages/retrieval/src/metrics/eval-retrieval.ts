import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { FormatError, InvalidArgumentError, describe } from '@metricopt/core';
import { retrievalMetricsParallel, type RetrievalMetricsResult } from './retrieval-metrics.js';
import { RETRIEVAL_DISTANCES, type RetrievalDistance } from './score-space.js';

export interface EvalRetrievalOptions {
  /** Raw little-endian float32 embeddings, row-major, `dim` per row. */
  embeddings: string;
  /** Raw little-endian int32 labels, one per embedding row. */
  labels: string;
  dim: number;
  /** The first queryCount rows are queries and the rest the gallery; otherwise every row queries the others. */
  queryCount?: number;
  k: number[];
  metric?: RetrievalDistance;
  /** One JSON object instead of a table. */
  json?: boolean;
}

/**
 * What `metricopt eval retrieval` prints: Recall@k, MAP@R and R-precision of embeddings and labels
 * read from raw files. With `json`, exactly
 * `{"recallAtK":{"1":r,...},"mapAtR":x,"rPrecision":x,"queries":n,"excluded":n}` (metrics are
 * null when every query was excluded); otherwise a readable table. Malformed files are a
 * FormatError naming the file; bad arguments an InvalidArgumentError.
 *
 * ```ts
 * console.log(await runEvalRetrieval({ embeddings: 'emb.f32', labels: 'labels.i32', dim: 128, k: [1, 2, 4, 8], json: true }));
 * // {"recallAtK":{"1":0.61,"2":0.72,"4":0.81,"8":0.88},"mapAtR":0.23,"rPrecision":0.34,"queries":5924,"excluded":0}
 * ```
 */
export async function runEvalRetrieval(options: EvalRetrievalOptions): Promise<string> {
  const fn = 'runEvalRetrieval';
  const { dim, queryCount, k } = options;
  if (!Number.isInteger(dim) || dim <= 0) throw new InvalidArgumentError(fn, 'dim', 'a positive integer', describe(dim));
  if (!Array.isArray(k) || k.length === 0 || !k.every((v) => Number.isInteger(v) && v > 0)) {
    throw new InvalidArgumentError(fn, 'k', 'a non-empty list of positive integers', Array.isArray(k) ? `[${k.join(', ')}]` : describe(k));
  }
  const metric = options.metric ?? 'cosine';
  if (!RETRIEVAL_DISTANCES.includes(metric)) {
    throw new InvalidArgumentError(fn, 'metric', `one of ${RETRIEVAL_DISTANCES.join(', ')}`, describe(metric));
  }
  const embeddings = await readEmbeddings(options.embeddings, dim);
  const rows = embeddings.length / dim;
  const labels = await readLabels(options.labels, rows, options.embeddings);
  if (queryCount !== undefined && (!Number.isInteger(queryCount) || queryCount < 1 || queryCount >= rows)) {
    throw new InvalidArgumentError(fn, 'queryCount', `an integer in [1, ${rows - 1}] (${rows} rows; the rest is the gallery)`, describe(queryCount));
  }
  if (rows < 2) throw new FormatError(options.embeddings, `expected at least 2 rows of ${dim} float32 values, got ${rows}`);
  const result = await retrievalMetricsParallel(embeddings, labels, dim, { k, metric, ...(queryCount === undefined ? {} : { queryCount }) });
  return options.json === true ? formatJson(result) : formatTable(result, metric, queryCount);
}

async function readBytes(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new FormatError(path, `cannot read the ${what} file: ${(err as Error).message}`, { cause: err });
  }
}

async function readEmbeddings(path: string, dim: number): Promise<Float32Array> {
  const bytes = await readBytes(path, 'embeddings');
  if (bytes.length === 0 || bytes.length % (4 * dim) !== 0) {
    throw new FormatError(path, `expected raw float32 rows of dim ${dim} (a size that is a non-zero multiple of ${4 * dim} bytes), got ${bytes.length} bytes`);
  }
  const values = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < values.length; i++) {
    const v = view.getFloat32(4 * i, true);
    if (!Number.isFinite(v)) {
      throw new FormatError(path, `expected finite float32 values, got ${v} at row ${Math.floor(i / dim)}, column ${i % dim}`);
    }
    values[i] = v;
  }
  return values;
}

async function readLabels(path: string, rows: number, embeddingsPath: string): Promise<Int32Array> {
  const bytes = await readBytes(path, 'labels');
  if (bytes.length % 4 !== 0 || bytes.length / 4 !== rows) {
    const got = bytes.length % 4 === 0 ? `${bytes.length / 4} labels` : `${bytes.length} bytes, not a whole number of int32s`;
    throw new FormatError(path, `expected ${rows} little-endian int32 labels (one per row of ${embeddingsPath}), got ${got}`);
  }
  if (endianness() === 'LE') return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return Int32Array.from({ length: rows }, (_, i) => view.getInt32(4 * i, true));
}

function formatJson(result: RetrievalMetricsResult): string {
  const { recallAtK, mapAtR, rPrecision, queries, excluded } = result;
  return JSON.stringify({ recallAtK, mapAtR, rPrecision, queries, excluded });
}

function formatTable(result: RetrievalMetricsResult, metric: RetrievalDistance, queryCount: number | undefined): string {
  const mode = queryCount === undefined ? 'every row queries the others' : `${queryCount} queries against the other rows`;
  const value = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(4));
  const lines = [
    `Retrieval (${metric}, ${mode}): ${result.queries} queries evaluated, ${result.excluded} excluded (no same-label item in the gallery)`,
    ...Object.entries(result.recallAtK).map(([k, v]) => `  ${`Recall@${k}`.padEnd(12)} ${value(v)}`),
    `  ${'MAP@R'.padEnd(12)} ${value(result.mapAtR)}`,
    `  ${'R-precision'.padEnd(12)} ${value(result.rPrecision)}`,
  ];
  return lines.join('\n');
}
