import * as tf from '@tensorflow/tfjs-core';
import type { FinetuneOptions } from '@metricopt/core';
import { finetuneProblem } from '../../src/reliability/finetune-problem.js';

export { TRAIN_ROWS } from '../../src/reliability/finetune-problem.js';

/** The crash-safety problem: the reliability finetune problem with Adam at 0.01 (kill-resume's figures were measured with it). */
export function crashProblem(steps: number, seed: number): FinetuneOptions {
  return finetuneProblem(steps, seed, { optimizer: tf.train.adam(0.01) });
}
