import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { runEvalRetrieval } from './eval-retrieval.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-retrieval-'));
function file(name: string, data: ArrayBufferView): string {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return path;
}
const embeddings = file('e.f32', Float32Array.of(1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, -1, 0));
const labels = file('l.i32', Int32Array.of(0, 0, 1, 1, 2));

describe('runEvalRetrieval', () => {
  it('prints exactly the JSON object', async () => {
    const out = await runEvalRetrieval({ embeddings, labels, dim: 2, k: [1, 2], json: true });
    expect(out).toBe('{"recallAtK":{"1":1,"2":1},"mapAtR":1,"rPrecision":1,"queries":4,"excluded":1}');
  });

  it('evaluates queries against the rest with --query-count, and prints a table otherwise', async () => {
    // Queries (1,0) label 1 and (0.9,0.1) label 0; gallery (0,1) label 0, (0.1,0.9) label 1, (−1,0) label 2.
    // Squared distances: query 0 → 2, 1.62, 4 (hit at 1); query 1 → 1.62, 1.28, 3.62 (its label at rank 2).
    const split = file('split.i32', Int32Array.of(1, 0, 0, 1, 2));
    const json = await runEvalRetrieval({ embeddings, labels: split, dim: 2, k: [1, 2], queryCount: 2, json: true, metric: 'euclidean' });
    expect(JSON.parse(json)).toEqual({ recallAtK: { '1': 0.5, '2': 1 }, mapAtR: 0.5, rPrecision: 0.5, queries: 2, excluded: 0 });
    // Every query excluded: the metrics are null in JSON.
    const none = await runEvalRetrieval({ embeddings, labels, dim: 2, k: [1], queryCount: 2, json: true });
    expect(none).toBe('{"recallAtK":{"1":null},"mapAtR":null,"rPrecision":null,"queries":0,"excluded":2}');
    const table = await runEvalRetrieval({ embeddings, labels, dim: 2, k: [1, 4] });
    expect(table).toContain('4 queries evaluated, 1 excluded');
    expect(table).toMatch(/Recall@4\s+1\.0000/);
    expect(table).toMatch(/MAP@R\s+1\.0000/);
  });

  it.each([
    [{ embeddings: file('short.f32', new Uint8Array(10)) }, FormatError, /short\.f32: expected raw float32 rows of dim 2 .* got 10 bytes/],
    [{ labels: file('few.i32', Int32Array.of(0, 1)) }, FormatError, /few\.i32: expected 5 little-endian int32 labels .* got 2 labels/],
    [{ labels: file('odd.i32', new Uint8Array(7)) }, FormatError, /odd\.i32: .* got 7 bytes, not a whole number of int32s/],
    [{ embeddings: file('nan.f32', Float32Array.of(1, 0, 0, Number.POSITIVE_INFINITY, 0, 1, 0, 1, 1, 1)) }, FormatError, /nan\.f32: expected finite float32 values, got Infinity at row 1, column 1/],
    [{ embeddings: join(dir, 'missing.f32') }, FormatError, /missing\.f32: cannot read the embeddings file/],
    [{ dim: 1.5 }, InvalidArgumentError, /'dim' passed to runEvalRetrieval must be a positive integer, got 1.5/],
    [{ queryCount: 5 }, InvalidArgumentError, /'queryCount' .* integer in \[1, 4\] \(5 rows; the rest is the gallery\), got 5/],
    [{ k: [2, -1] }, InvalidArgumentError, /'k' .* positive integers, got \[2, -1\]/],
    [{ metric: 'manhattan' }, InvalidArgumentError, /'metric' .* one of cosine, euclidean, got "manhattan"/],
  ])('rejects %o', async (bad, type, message) => {
    const call = runEvalRetrieval({ embeddings, labels, dim: 2, k: [1], ...(bad as object) });
    await expect(call).rejects.toThrow(type);
    await expect(runEvalRetrieval({ embeddings, labels, dim: 2, k: [1], ...(bad as object) })).rejects.toThrow(message);
  });
});
