import type { FuzzTarget } from './fuzz-target.js';
import { checkpointTarget } from './targets/checkpoint-target.js';
import { cifarTarget } from './targets/cifar-target.js';
import { cocoDatasetTarget, cocoEvalTarget } from './targets/coco-target.js';
import { configTarget } from './targets/config-target.js';
import { idxTarget } from './targets/idx-target.js';
import { imageTarget } from './targets/image-target.js';
import { modelTarget } from './targets/model-target.js';
import { retrievalEvalTarget, retrievalListTarget } from './targets/retrieval-target.js';
import { valueNetTarget } from './targets/value-net-target.js';
import { valueStateTarget } from './targets/value-state-target.js';
import { vocTarget } from './targets/voc-target.js';

export { fuzzProperty, runOne, type FuzzOutcome, type FuzzTarget } from './fuzz-target.js';

/**
 * Every reader under fuzz, in table order: one generator of mutated inputs (from valid seeds in
 * the real format) and one property (accepted, or refused with a typed error naming the input)
 * each.
 */
export const FUZZ_TARGETS: readonly FuzzTarget<any, any>[] = [
  idxTarget,
  cifarTarget,
  imageTarget,
  cocoEvalTarget,
  cocoDatasetTarget,
  vocTarget,
  retrievalEvalTarget,
  retrievalListTarget,
  modelTarget,
  configTarget,
  checkpointTarget,
  valueStateTarget,
  valueNetTarget,
];

/** The target called `name`, or undefined. */
export function fuzzTarget(name: string): FuzzTarget<any, any> | undefined {
  return FUZZ_TARGETS.find((t) => t.name === name);
}
