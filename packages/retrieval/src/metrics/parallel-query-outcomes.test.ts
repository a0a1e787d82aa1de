import { Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { evaluateAllQueries, evaluateQueriesInParallel } from './parallel-query-outcomes.js';
import { evaluateQueries, relevantCounts, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import { toScoreSpace, type RetrievalDistance } from './score-space.js';

function setup(distance: RetrievalDistance) {
  const rng = new Rng(3);
  const n = 90;
  const dim = 6;
  // Integer coordinates: many exactly tied scores, to check the tie-break survives every path.
  const x = Float32Array.from({ length: n * dim }, () => rng.int(3) - 1);
  const labels = Int32Array.from({ length: n }, () => rng.int(12));
  const plan: RetrievalPlan = { queryCount: n, galleryStart: 0, galleryCount: n, self: true, kMax: 4, blockRows: 8 };
  const space = toScoreSpace(x, n, dim, distance);
  const relevant = relevantCounts(labels, plan);
  // The reference: row blocks on one thread, each row ranked from a whole row of scores.
  const rows: QueryOutcomes = {
    relevant,
    firstHit: new Int32Array(n),
    averagePrecisionAtR: new Float64Array(n),
    rPrecision: new Float64Array(n),
  };
  evaluateQueries(space, labels, plan, 0, n, rows);
  return { space, labels, plan, relevant, rows };
}

function expectSame(got: QueryOutcomes, want: QueryOutcomes) {
  expect(Array.from(got.firstHit)).toEqual(Array.from(want.firstHit));
  expect(Array.from(got.averagePrecisionAtR)).toEqual(Array.from(want.averagePrecisionAtR));
  expect(Array.from(got.rPrecision)).toEqual(Array.from(want.rPrecision));
}

describe('evaluateQueriesInParallel', () => {
  it('row blocks (euclidean): worker threads match one thread query by query', async () => {
    const { space, labels, plan, relevant, rows } = setup('euclidean');
    const { outcomes, workers } = await evaluateQueriesInParallel(space, labels, plan, relevant, 3);
    expect(workers).toBe(2);
    expectSame(outcomes, rows);
  });

  it('symmetric blocks (cosine): one thread and worker threads match the row-block ranking', async () => {
    const { space, labels, plan, relevant, rows } = setup('cosine');
    expectSame(evaluateAllQueries(space, labels, plan, relevant), rows);
    for (const threads of [2, 4]) {
      const { outcomes, workers } = await evaluateQueriesInParallel(space, labels, plan, relevant, threads);
      expect(workers).toBe(threads - 1);
      expectSame(outcomes, rows);
    }
  });
});
