import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '@metricopt/core';
import { retrievalMetrics, type RetrievalMetricsOptions, type RetrievalMetricsResult } from './retrieval-metrics.js';

/** Which side a batch joins: 'both' (self mode: every item queries all others), or one side of a query/gallery split. */
export type RetrievalRole = 'both' | 'query' | 'gallery';

export type RetrievalMetricOptions = Omit<RetrievalMetricsOptions, 'queryCount'>;

/**
 * Accumulates embeddings and labels batch by batch and computes retrievalMetrics on all of them
 * (torchmetrics style: update / compute / reset). Batches added with role 'both' are evaluated in
 * self mode; batches added as 'query' and 'gallery' as queries against the gallery (the two kinds
 * cannot be mixed). Holds copies of the data, no tensors.
 *
 * ```ts
 * const metric = new RetrievalMetric({ k: [1, 4] });
 * metric.update(embeddingsBatch1, labelsBatch1); // Float32Array or tf.Tensor2D; Int32Array, number[] or tf.Tensor1D
 * metric.update(embeddingsBatch2, labelsBatch2);
 * metric.compute(); // { recallAtK: { '1': …, '4': … }, mapAtR, rPrecision, queries, excluded }
 * metric.reset();
 * ```
 */
export class RetrievalMetric {
  private dim: number | undefined;
  private readonly batches: Record<'query' | 'gallery' | 'both', { embeddings: Float32Array[]; labels: Int32Array[] }> = {
    query: { embeddings: [], labels: [] },
    gallery: { embeddings: [], labels: [] },
    both: { embeddings: [], labels: [] },
  };

  constructor(private readonly options: RetrievalMetricOptions) {}

  /** Adds a batch: embeddings [n, dim] (a tensor, or a Float32Array with `dim` given) and n integer labels. */
  update(
    embeddings: Float32Array | tf.Tensor,
    labels: Int32Array | readonly number[] | tf.Tensor,
    role: RetrievalRole = 'both',
    dim?: number,
  ): void {
    const fn = 'RetrievalMetric.update';
    let values: Float32Array;
    let width: number;
    if (embeddings instanceof tf.Tensor) {
      if (embeddings.rank !== 2) throw new InvalidArgumentError(fn, 'embeddings', 'a rank-2 tensor [n, dim]', describe(embeddings));
      values = Float32Array.from(embeddings.dataSync());
      width = embeddings.shape[1]!;
    } else {
      width = dim ?? this.dim ?? Number.NaN;
      if (!Number.isInteger(width) || width <= 0) throw new InvalidArgumentError(fn, 'dim', 'a positive integer (needed with a Float32Array)', describe(dim));
      values = Float32Array.from(embeddings);
    }
    if (this.dim !== undefined && width !== this.dim) throw new InvalidArgumentError(fn, 'embeddings', `rows of dim ${this.dim} (as before)`, `dim ${width}`);
    const ids = labels instanceof tf.Tensor ? labels.dataSync() : labels;
    if (!Array.from(ids).every((v) => Number.isInteger(v))) throw new InvalidArgumentError(fn, 'labels', 'integers', describe(labels));
    if (ids.length * width !== values.length) {
      throw new InvalidArgumentError(fn, 'labels', `one label per embedding row (${values.length / width})`, `${ids.length} labels`);
    }
    if (!['both', 'query', 'gallery'].includes(role)) throw new InvalidArgumentError(fn, 'role', 'one of both, query, gallery', describe(role));
    const split = this.batches.query.labels.length + this.batches.gallery.labels.length > 0;
    if ((role === 'both' && split) || (role !== 'both' && this.batches.both.labels.length > 0)) {
      throw new InvalidArgumentError(fn, 'role', `the same kind as earlier batches (${split ? 'query/gallery' : 'both'})`, describe(role));
    }
    this.dim = width;
    this.batches[role].embeddings.push(values);
    this.batches[role].labels.push(Int32Array.from(ids));
  }

  /** retrievalMetrics over everything added since the last reset. */
  compute(): RetrievalMetricsResult {
    const dim = this.dim;
    if (dim === undefined) throw new InvalidArgumentError('RetrievalMetric.compute', 'this', 'at least one update() first', 'no data');
    const { query, gallery, both } = this.batches;
    if (both.labels.length > 0) return retrievalMetrics(concat(both.embeddings), concatInt(both.labels), dim, this.options);
    const queryLabels = concatInt(query.labels);
    return retrievalMetrics(
      concat([...query.embeddings, ...gallery.embeddings]),
      concatInt([queryLabels, ...gallery.labels]),
      dim,
      { ...this.options, queryCount: queryLabels.length },
    );
  }

  reset(): void {
    this.dim = undefined;
    for (const side of Object.values(this.batches)) {
      side.embeddings.length = 0;
      side.labels.length = 0;
    }
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function concatInt(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
