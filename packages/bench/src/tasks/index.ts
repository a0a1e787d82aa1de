import { registerTask } from '../registry.js';
import { classificationTask } from './classification/classification-task.js';
import { detectionTask } from './detection/detection-task.js';
import { retrievalTask } from './retrieval/retrieval-task.js';
import { syntheticTask } from './synthetic/synthetic-task.js';
import { transferTask } from './transfer/transfer-task.js';

/** The tasks the CLI knows. A task package adds its exported BenchTask here, one line each. */
export const BUILTIN_TASKS = [syntheticTask, classificationTask, detectionTask, retrievalTask, transferTask] as const;

/** Registers every built-in task (idempotent). */
export function registerBuiltinTasks(): void {
  for (const task of BUILTIN_TASKS) registerTask(task);
}
