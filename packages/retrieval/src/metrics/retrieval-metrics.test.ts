import { InvalidArgumentError, Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { retrievalMetrics, retrievalMetricsParallel, type RetrievalMetricsResult } from './retrieval-metrics.js';

/** The definitions, over the whole similarity matrix, in float64. */
function naive(
  x: Float32Array,
  labels: Int32Array,
  dim: number,
  ks: number[],
  metric: 'cosine' | 'euclidean' = 'cosine',
  queryCount?: number,
): RetrievalMetricsResult {
  const n = labels.length;
  const row = (i: number) => Array.from(x.subarray(i * dim, (i + 1) * dim));
  const unit = (v: number[]) => {
    const norm = Math.sqrt(v.reduce((s, a) => s + a * a, 0));
    return norm === 0 ? v.map(() => 0) : v.map((a) => a / norm);
  };
  const score = (a: number[], b: number[]) =>
    metric === 'cosine'
      ? unit(a).reduce((s, v, k) => s + v * unit(b)[k]!, 0)
      : -a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0);
  const queries = queryCount ?? n;
  const gallery = queryCount === undefined ? [...Array(n).keys()] : [...Array(n - queries).keys()].map((j) => j + queries);
  let evaluated = 0;
  let excluded = 0;
  let ap = 0;
  let rp = 0;
  const hits = ks.map(() => 0);
  for (let q = 0; q < queries; q++) {
    const others = gallery.filter((j) => j !== q);
    const ranked = others
      .map((j, position) => ({ j, position, s: score(row(q), row(j)) }))
      .sort((a, b) => b.s - a.s || a.position - b.position);
    const rel = ranked.map((e) => labels[e.j] === labels[q]);
    const r = rel.filter(Boolean).length;
    if (r === 0) {
      excluded++;
      continue;
    }
    evaluated++;
    ks.forEach((k, i) => {
      if (rel.slice(0, k).some(Boolean)) hits[i]!++;
    });
    let found = 0;
    let sum = 0;
    for (let i = 0; i < r; i++) {
      if (!rel[i]) continue;
      found++;
      sum += found / (i + 1);
    }
    ap += sum / r;
    rp += found / r;
  }
  const recallAtK: Record<string, number> = {};
  ks.forEach((k, i) => (recallAtK[String(k)] = hits[i]! / evaluated));
  return { recallAtK, mapAtR: ap / evaluated, rPrecision: rp / evaluated, queries: evaluated, excluded };
}

function clustered(rng: Rng, classes: number, perClass: number[], dim: number, spread = 0.8) {
  const centres = Array.from({ length: classes }, () => rng.normals(dim));
  const rows: number[] = [];
  const labels: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass[c % perClass.length]!; i++) {
      const noise = rng.normals(dim);
      for (let k = 0; k < dim; k++) rows.push(centres[c]![k]! + spread * noise[k]!);
      labels.push(c * 7 - 3); // arbitrary, negative labels allowed
    }
  }
  // Shuffle rows so classes interleave.
  const order = rng.permutation(labels.length);
  const x = new Float32Array(rows.length);
  const y = new Int32Array(labels.length);
  order.forEach((from, to) => {
    x.set(rows.slice(from * dim, (from + 1) * dim), to * dim);
    y[to] = labels[from]!;
  });
  return { x, y };
}

function expectClose(got: RetrievalMetricsResult, want: RetrievalMetricsResult) {
  expect(got.queries).toBe(want.queries);
  expect(got.excluded).toBe(want.excluded);
  expect(Object.keys(got.recallAtK)).toEqual(Object.keys(want.recallAtK));
  for (const k of Object.keys(want.recallAtK)) expect(got.recallAtK[k]).toBeCloseTo(want.recallAtK[k]!, 12);
  expect(got.mapAtR).toBeCloseTo(want.mapAtR, 12);
  expect(got.rPrecision).toBeCloseTo(want.rPrecision, 12);
}

describe('retrievalMetrics', () => {
  it('matches a hand-computed example', () => {
    // Rows 0,1 near the x axis (label 0), rows 2,3 near the y axis (label 1), row 1 leaning towards y.
    const x = Float32Array.of(1, 0, 0.6, 0.8, 0, 1, 0.9, 0.1);
    const y = Int32Array.of(0, 0, 1, 1);
    // Rankings: 0 → [3 (0.994), 1 (0.6), 2 (0)], 1 → [2 (0.8), 3 (0.685), 0 (0.6)], 2 → [1, 3, 0], 3 → [0, 1, 2].
    const got = retrievalMetrics(x, y, 2, { k: [1, 2] });
    expect(got.queries).toBe(4);
    expect(got.recallAtK['1']).toBe(0);
    expect(got.recallAtK['2']).toBe(0.5); // first same-label item: query 0 at rank 2, 1 at 3, 2 at 2, 3 at 3
    // R = 1 for everyone: AP@R = rel(1) = 0 for all.
    expect(got.mapAtR).toBe(0);
    expect(got.rPrecision).toBe(0);
  });

  it.each([
    { metric: 'cosine' as const, chunkSize: undefined },
    { metric: 'cosine' as const, chunkSize: 7 },
    { metric: 'euclidean' as const, chunkSize: 13 },
    { metric: 'euclidean' as const, chunkSize: 1 },
  ])('self mode equals the naive definition ($metric, chunk $chunkSize)', ({ metric, chunkSize }) => {
    const rng = new Rng(3);
    const { x, y } = clustered(rng, 9, [1, 2, 5, 11, 30], 6, 1.1);
    const ks = [1, 2, 4, 8, 16, 500];
    const got = retrievalMetrics(x, y, 6, { k: ks, metric, ...(chunkSize === undefined ? {} : { chunkSize }) });
    expectClose(got, naive(x, y, 6, ks, metric));
    expect(got.excluded).toBe(2); // the two singleton classes
    expect(got.recallAtK['500']).toBe(1); // k past the gallery: every evaluated query hits
  });

  it.each(['cosine', 'euclidean'] as const)('query/gallery mode equals the naive definition (%s)', (metric) => {
    const rng = new Rng(5);
    const { x, y } = clustered(rng, 12, [3, 4, 9], 5, 1.0);
    const q = 37;
    const ks = [1, 3, 10];
    const got = retrievalMetrics(x, y, 5, { k: ks, metric, queryCount: q, chunkSize: 6 });
    const want = naive(x, y, 5, ks, metric, q);
    expectClose(got, want);
    expect(got.queries + got.excluded).toBe(q);
  });

  it('chunked runs equal one big block exactly', () => {
    const rng = new Rng(11);
    const { x, y } = clustered(rng, 20, [4, 6, 17], 12, 1.3);
    const whole = retrievalMetrics(x, y, 12, { k: [1, 2, 4, 8], chunkSize: y.length });
    for (const chunkSize of [1, 3, 5, 64]) {
      expect(retrievalMetrics(x, y, 12, { k: [1, 2, 4, 8], chunkSize })).toEqual(whole);
    }
    const wholeL2 = retrievalMetrics(x, y, 12, { k: [1, 5], metric: 'euclidean', chunkSize: y.length });
    expect(retrievalMetrics(x, y, 12, { k: [1, 5], metric: 'euclidean', chunkSize: 9 })).toEqual(wholeL2);
  });

  it('breaks ties in score by gallery index, lower first', () => {
    // Query row 0; rows 1 and 2 are identical (same score), labels differ.
    const dup = (labelAt1: number, labelAt2: number) => {
      const x = Float32Array.of(1, 0, 0.5, 0.5, 0.5, 0.5, -1, 0, -1, 0.1);
      const y = Int32Array.of(7, labelAt1, labelAt2, 8, 9);
      return retrievalMetrics(x, y, 2, { k: [1], queryCount: 1 });
    };
    // Gallery = rows 1..4; query label 7. Same-label item at the lower index → hit at rank 1.
    expect(dup(7, 8).recallAtK['1']).toBe(1);
    expect(dup(8, 7).recallAtK['1']).toBe(0);
    expect(dup(8, 7).mapAtR).toBe(0); // R = 1, rank 2
    // And in self mode, with every score tied (zero query): order is by index with the query skipped.
    const zeros = new Float32Array(5 * 3);
    const tiedSelf = retrievalMetrics(zeros, Int32Array.of(1, 2, 1, 2, 2), 3, { k: [1, 2] });
    const want = naive(zeros, Int32Array.of(1, 2, 1, 2, 2), 3, [1, 2]);
    expectClose(tiedSelf, want);
  });

  it('excludes and counts queries without a same-label item', () => {
    const x = Float32Array.of(1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, -1, 0);
    const got = retrievalMetrics(x, Int32Array.of(0, 0, 1, 1, 2), 2, { k: [1] });
    expect(got.excluded).toBe(1);
    expect(got.queries).toBe(4);
    expect(got.recallAtK['1']).toBe(1);
    // Every query excluded: NaN metrics, all counted.
    const none = retrievalMetrics(x, Int32Array.of(0, 1, 2, 3, 4), 2, { k: [1] });
    expect(none).toMatchObject({ queries: 0, excluded: 5 });
    expect(none.mapAtR).toBeNaN();
    // Query/gallery: a query whose label is only among the queries is excluded.
    const split = retrievalMetrics(x, Int32Array.of(0, 5, 0, 1, 1), 2, { k: [1], queryCount: 2 });
    expect(split).toMatchObject({ queries: 1, excluded: 1 });
  });

  it('normalises tiny and huge vectors for cosine; zero vectors have similarity 0', () => {
    const rng = new Rng(8);
    const { x, y } = clustered(rng, 6, [5], 4, 0.9);
    const base = retrievalMetrics(x, y, 4, { k: [1, 3] });
    const scaled = Float32Array.from(x, (v, i) => v * (Math.floor(i / 4) % 2 === 0 ? 1e-30 : 1e30));
    expect(retrievalMetrics(scaled, y, 4, { k: [1, 3] })).toEqual(base);
    // Rows 0 and 3 set to zero: as a query, every score is 0 (ties by index); as an item, score 0.
    const z = x.slice();
    z.fill(0, 0, 4);
    z.fill(0, 12, 16);
    expectClose(retrievalMetrics(z, y, 4, { k: [1, 3] }), naive(z, y, 4, [1, 3]));
  });

  it('handles a class larger than max k (MAP@R over R > k)', () => {
    const rng = new Rng(2);
    const { x, y } = clustered(rng, 3, [40, 3, 25], 3, 2.0);
    const got = retrievalMetrics(x, y, 3, { k: [1, 2], chunkSize: 10 });
    expectClose(got, naive(x, y, 3, [1, 2]));
    expectClose(retrievalMetrics(x, y, 3, { k: [2], metric: 'euclidean' }), naive(x, y, 3, [2], 'euclidean'));
  });

  it.each([
    [{ dim: 0 }, /'dim' passed to retrievalMetrics must be a positive integer, got 0/],
    [{ dim: 3 }, /'embeddings' .* divisible by dim = 3, got length 8/],
    [{ labels: Int32Array.of(0, 1) }, /'labels' .* one label per embedding row \(4\), got 2 labels/],
    [{ k: [1, 0] }, /'k' .* positive integers, got \[1, 0\]/],
    [{ k: [] }, /'k' .* non-empty array/],
    [{ queryCount: 4 }, /'queryCount' .* integer in \[1, 3\]/],
    [{ metric: 'dot' }, /'metric' .* one of cosine, euclidean, got "dot"/],
    [{ chunkSize: 2.5 }, /'chunkSize' .* positive integer, got 2.5/],
    [{ nan: true }, /'embeddings' .* finite values, got NaN at row 1, column 1/],
  ])('rejects %o', (bad, message) => {
    const b = bad as { dim?: number; labels?: Int32Array; k?: number[]; queryCount?: number; metric?: string; chunkSize?: number; nan?: boolean };
    const x = Float32Array.of(1, 0, 0, 1, 1, 1, 0.5, 0.2);
    if (b.nan === true) x[3] = Number.NaN;
    const call = () =>
      retrievalMetrics(x, b.labels ?? Int32Array.of(0, 0, 1, 1), b.dim ?? 2, {
        k: b.k ?? [1],
        ...(b.queryCount === undefined ? {} : { queryCount: b.queryCount }),
        ...(b.metric === undefined ? {} : { metric: b.metric as 'cosine' }),
        ...(b.chunkSize === undefined ? {} : { chunkSize: b.chunkSize }),
      });
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });
});

describe('retrievalMetricsParallel', () => {
  it('gives the same numbers as one thread, for any number of threads', async () => {
    const rng = new Rng(21);
    const { x, y } = clustered(rng, 15, [3, 8, 1], 7, 1.2);
    const options = { k: [1, 2, 4], chunkSize: 8 };
    const one = retrievalMetrics(x, y, 7, options);
    for (const threads of [1, 2, 3]) {
      expect(await retrievalMetricsParallel(x, y, 7, { ...options, threads })).toEqual(one);
    }
    const split = retrievalMetrics(x, y, 7, { ...options, metric: 'euclidean', queryCount: 30 });
    expect(await retrievalMetricsParallel(x, y, 7, { ...options, metric: 'euclidean', queryCount: 30, threads: 2 })).toEqual(split);
    await expect(retrievalMetricsParallel(x, y, 7, { ...options, threads: 0 })).rejects.toThrow(/'threads' passed to retrievalMetricsParallel must be a positive integer, got 0/);
  });
});

describe('retrievalMetrics memory bound', () => {
  it('refuses a score block that cannot fit in WebAssembly memory, before allocating', () => {
    // 33,000 one-dimensional rows in one block: a 33,000² float32 score block is over 4 GB.
    const n = 33_000;
    const x = Float32Array.from({ length: n }, (_, i) => i);
    expect(() => retrievalMetrics(x, new Int32Array(n), 1, { k: [1], chunkSize: n })).toThrow(
      /'embeddings' passed to retrievalMetrics must be a gallery whose float32 copy and score block .* fit in 4 GB/,
    );
  });
});
