import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { GlobalValueNet, MlpEncoder, Rng, SetEncoder, initBackend } from '@metricopt/core';
import { mutatedBytes } from '../byte-mutations.js';
import { mutatedJson } from '../json-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';
import { finetuneProblem } from '../finetune-problem.js';
import { landscape } from './value-landscape.js';

interface SavedNet {
  metadata: unknown;
  model: unknown;
  weights: Uint8Array;
}

interface ValueNetContext {
  dir: string;
  seeds: SavedNet[];
}

interface ValueNetInput {
  metadata: string;
  model: string;
  weights: Uint8Array;
}

/** Saved GlobalValueNets (metadata.json, model.json, weights.bin) through GlobalValueNet.load, which reads them with readValueNet. */
export const valueNetTarget: FuzzTarget<ValueNetInput, ValueNetContext> = {
  name: 'value-net',
  reader: 'GlobalValueNet.load (readValueNet: metadata.json, model.json, weights.bin)',
  init: () => initBackend(),
  async setup(root) {
    const problem = finetuneProblem(20, 3);
    const layout = problem.params.layout;
    problem.model.dispose();
    const rounds = landscape(layout.size, 6, 5);
    const metric = { name: 'error-rate', higherIsBetter: false };
    const nets = [
      new GlobalValueNet({ encoder: new MlpEncoder({ layout, hidden: [4], rng: new Rng(1) }), metric, rng: new Rng(2), steps: 5 }),
      new GlobalValueNet({ encoder: new SetEncoder({ layout, tokenHidden: [4], headHidden: [4], rng: new Rng(1) }), metric, rng: new Rng(2), steps: 5 }),
    ];
    const seeds: SavedNet[] = [];
    for (const [i, net] of nets.entries()) {
      net.train(rounds);
      const at = join(root, `seed-${i}`);
      await net.save(at);
      net.dispose();
      seeds.push({
        metadata: JSON.parse(await readFile(join(at, 'metadata.json'), 'utf8')),
        model: JSON.parse(await readFile(join(at, 'model.json'), 'utf8')),
        weights: new Uint8Array(await readFile(join(at, 'weights.bin'))),
      });
    }
    const dir = join(root, 'net');
    await mkdir(dir, { recursive: true });
    return { dir, seeds };
  },
  arbitrary: ({ seeds }) => fc.nat(seeds.length - 1).chain((i) => {
    const seed = seeds[i]!;
    const metadata = mutatedJson([seed.metadata], { hugeLengths: [1000] });
    const model = mutatedJson([seed.model], { hugeLengths: [1000] });
    const weights = mutatedBytes([seed.weights], 16);
    const same = { metadata: fc.constant(JSON.stringify(seed.metadata)), model: fc.constant(JSON.stringify(seed.model)), weights: fc.constant(seed.weights) };
    return fc.oneof(
      { weight: 2, arbitrary: fc.record({ ...same, metadata }) },
      { weight: 2, arbitrary: fc.record({ ...same, model }) },
      { weight: 1, arbitrary: fc.record({ ...same, weights }) },
      { weight: 1, arbitrary: fc.record({ metadata, model, weights }) },
    );
  }),
  async run(input, { dir }) {
    await writeFile(join(dir, 'metadata.json'), input.metadata);
    await writeFile(join(dir, 'model.json'), input.model);
    await writeFile(join(dir, 'weights.bin'), input.weights);
    const net = await GlobalValueNet.load(dir);
    net.dispose();
  },
  names: ({ dir }) => [dir],
};
