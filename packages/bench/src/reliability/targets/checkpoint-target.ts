import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkpointChecksum, finetune, initBackend, type FinetuneOptions } from '@metricopt/core';
import { mutatedJson } from '../json-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';
import { finetuneProblem } from '../finetune-problem.js';

interface CheckpointContext {
  dir: string;
  /** Two real checkpoints of the problem: mid-run (step 10 of 20) and finished. */
  seeds: unknown[];
  options: Omit<FinetuneOptions, 'checkpoint'>;
}

/**
 * Finetune checkpoints (checkpoint.json) through the whole resume path: finetune with the
 * checkpoint directory, so CheckpointStore.load, checkFinetuneState, the value function's and the
 * optimizer's restore all read the mutated file. Accepted inputs run to the end (≤ 20 steps).
 */
export const checkpointTarget: FuzzTarget<string, CheckpointContext> = {
  name: 'checkpoint',
  reader: 'finetune resume (CheckpointStore.load, checkFinetuneState, ValueFunction.setState, optimizer restore)',
  init: () => initBackend(),
  async setup(root) {
    const options = finetuneProblem(20, 3);
    const seedDir = join(root, 'seed');
    const mid = join(root, 'mid.json');
    await finetune({
      ...options,
      checkpoint: { dir: seedDir, every: 5 },
      onStep: ({ step }) => {
        // The checkpoint of step 10 is on disk once step 11 is reported.
        if (step === 11) void copyFile(join(seedDir, 'checkpoint.json'), mid);
      },
    });
    const seeds = [JSON.parse(await readFile(mid, 'utf8')), JSON.parse(await readFile(join(seedDir, 'checkpoint.json'), 'utf8'))];
    const dir = join(root, 'ckpt');
    await mkdir(dir, { recursive: true });
    return { dir, seeds, options };
  },
  // Raw mutations (the checksum catches them), and mutations re-signed with a fresh checksum, so that the
  // field checks behind it are fuzzed too.
  arbitrary: ({ seeds }) => {
    const bodies = seeds.map((s) => {
      const { checksum: _checksum, ...body } = s as Record<string, unknown>;
      return body;
    });
    return fc.oneof(
      { weight: 1, arbitrary: mutatedJson(seeds, { hugeLengths: [1000] }) },
      { weight: 3, arbitrary: mutatedJson(bodies, { hugeLengths: [1000] }).map(resign) },
    );
  },
  async run(text, { dir, options }) {
    await writeFile(join(dir, 'checkpoint.json'), text);
    options.params.write(options.params.phi0);
    await finetune({ ...options, checkpoint: { dir, every: 5 } });
  },
  names: ({ dir }) => [dir],
};

/** The mutated state with a checksum that matches it (text that does not parse to an object is left as it is). */
function resign(text: string): string {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return text;
  const body = state as Record<string, unknown>;
  try {
    return JSON.stringify({ ...body, checksum: checkpointChecksum(body) });
  } catch {
    // Nested deeper than JSON.stringify can write: the text as it is.
    return text;
  }
}
