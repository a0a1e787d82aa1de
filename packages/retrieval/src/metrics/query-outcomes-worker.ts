// Runs one share of evaluateQueriesInParallel on a worker thread; results go into shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateQueries, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';
import type { ScoreSpace } from './score-space.js';
import { symmetricTopK, type SortedLists } from './symmetric-top-k.js';

type Task = {
  rows: Float32Array;
  extra: Float32Array | undefined;
  dim: number;
  labels: Int32Array;
  plan: RetrievalPlan;
} & (
  | { mode: 'rows'; from: number; to: number; outcomes: QueryOutcomes }
  | { mode: 'symmetric'; capacities: Int32Array; share: number; shares: number; lists: SortedLists }
);

const task = workerData as Task;
const space: ScoreSpace = { rows: task.rows, dim: task.dim, ...(task.extra === undefined ? {} : { extra: task.extra }) };
if (task.mode === 'rows') {
  evaluateQueries(space, task.labels, task.plan, task.from, task.to, task.outcomes);
} else {
  const table = symmetricTopK(space, task.plan, task.capacities, task.share, task.shares);
  task.lists.sizes.set(table.sizes);
  task.lists.scores.set(table.scores);
  task.lists.indices.set(table.indices);
}
parentPort?.postMessage('done');
