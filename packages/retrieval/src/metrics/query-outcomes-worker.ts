// Runs evaluateQueries on one range of queries for evaluateQueriesInParallel; results go into shared memory.
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateQueries, type QueryOutcomes, type RetrievalPlan } from './query-outcomes.js';

interface Task {
  rows: Float32Array;
  extra: Float32Array | undefined;
  dim: number;
  labels: Int32Array;
  plan: RetrievalPlan;
  from: number;
  to: number;
  outcomes: QueryOutcomes;
}

const task = workerData as Task;
evaluateQueries(
  { rows: task.rows, dim: task.dim, ...(task.extra === undefined ? {} : { extra: task.extra }) },
  task.labels,
  task.plan,
  task.from,
  task.to,
  task.outcomes,
);
parentPort?.postMessage('done');
