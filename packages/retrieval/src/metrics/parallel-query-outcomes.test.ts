import { Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { evaluateQueriesInParallel } from './parallel-query-outcomes.js';
import { evaluateQueries, relevantCounts, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import { toScoreSpace } from './score-space.js';

describe('evaluateQueriesInParallel', () => {
  it('runs worker threads and matches one thread query by query', async () => {
    const rng = new Rng(3);
    const n = 90;
    const dim = 6;
    const x = rng.normals(n * dim);
    const labels = Int32Array.from({ length: n }, () => rng.int(12));
    const plan: RetrievalPlan = { queryCount: n, galleryStart: 0, galleryCount: n, self: true, kMax: 4, blockRows: 8 };
    const space = toScoreSpace(x, n, dim, 'euclidean');
    const relevant = relevantCounts(labels, plan);
    const one: QueryOutcomes = {
      relevant,
      firstHit: new Int32Array(n),
      averagePrecisionAtR: new Float64Array(n),
      rPrecision: new Float64Array(n),
    };
    evaluateQueries(space, labels, plan, 0, n, one);
    const { outcomes, workers } = await evaluateQueriesInParallel(space, labels, plan, relevant, 3);
    expect(workers).toBe(2);
    expect(Array.from(outcomes.firstHit)).toEqual(Array.from(one.firstHit));
    expect(Array.from(outcomes.averagePrecisionAtR)).toEqual(Array.from(one.averagePrecisionAtR));
    expect(Array.from(outcomes.rPrecision)).toEqual(Array.from(one.rPrecision));
  });
});
