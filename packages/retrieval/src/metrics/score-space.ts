/** How gallery items are ranked for a query: by cosine similarity (default) or by Euclidean distance. */
export type RetrievalDistance = 'cosine' | 'euclidean';

export const RETRIEVAL_DISTANCES: readonly RetrievalDistance[] = Object.freeze(['cosine', 'euclidean']);

/**
 * Embeddings moved into a space where a larger dot product means a nearer neighbour:
 * score(q, g) = rows[q]·rows[g] + extra[g] (queries carry a constant 1 against `extra`).
 */
export interface ScoreSpace {
  rows: Float32Array;
  dim: number;
  /** Euclidean only: −½‖g‖² per row, the score's last coordinate on the gallery side. */
  extra?: Float32Array;
}

/**
 * Cosine: each row divided by its L2 norm (computed in float64, so tiny and huge vectors both
 * normalise); a zero row stays zero, i.e. has similarity 0 with everything.
 * Euclidean: ‖q − g‖² = ‖q‖² − 2(q·g − ½‖g‖²), so ranking by q·g − ½‖g‖² is ranking by distance
 * (as faiss's IndexFlatL2 does). The rows are first centred on their mean — distances do not change,
 * and the cancellation between q·g and ½‖g‖² shrinks — and scaled by a power of two so the largest
 * coordinate is at most 1 (exact, and no overflow in float32).
 */
export function toScoreSpace(embeddings: Float32Array, count: number, dim: number, distance: RetrievalDistance): ScoreSpace {
  const rows = new Float32Array(count * dim);
  if (distance === 'cosine') {
    for (let i = 0; i < count; i++) {
      const at = i * dim;
      let sum = 0;
      for (let k = 0; k < dim; k++) {
        const v = embeddings[at + k]!;
        sum += v * v;
      }
      // Squares of float32 values cannot overflow float64; only exact zeros have norm 0.
      const norm = Math.sqrt(sum);
      if (norm === 0) continue;
      for (let k = 0; k < dim; k++) rows[at + k] = embeddings[at + k]! / norm;
    }
    return { rows, dim };
  }
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) mean[k]! += embeddings[i * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k]! /= Math.max(count, 1);
  let largest = 0;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < dim; k++) largest = Math.max(largest, Math.abs(embeddings[i * dim + k]! - mean[k]!));
  }
  const scale = largest > 0 ? 2 ** -Math.ceil(Math.log2(largest)) : 1;
  const extra = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let k = 0; k < dim; k++) {
      const v = Math.fround((embeddings[i * dim + k]! - mean[k]!) * scale);
      rows[i * dim + k] = v;
      sum += v * v;
    }
    extra[i] = -0.5 * sum;
  }
  return { rows, dim, extra };
}
