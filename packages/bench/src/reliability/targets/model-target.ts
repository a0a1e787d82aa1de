import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { MODEL_JSON, MODEL_WEIGHTS, loadModel, saveModel } from '@metricopt/core';
import { mutatedBytes } from '../byte-mutations.js';
import { mutatedJson } from '../json-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

interface ModelContext {
  dir: string;
  seeds: { json: unknown; weights: Uint8Array }[];
}

/** Two tiny layers models saved with saveModel: a dense MLP and a small CNN. */
async function seedModels(dir: string): Promise<ModelContext['seeds']> {
  const models = [
    tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ units: 2 })] }),
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1] }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    }),
  ];
  const seeds: ModelContext['seeds'] = [];
  for (const [i, model] of models.entries()) {
    const at = join(dir, `seed-${i}`);
    await saveModel(model, at);
    model.dispose();
    seeds.push({ json: JSON.parse(await readFile(join(at, MODEL_JSON), 'utf8')), weights: new Uint8Array(await readFile(join(at, MODEL_WEIGHTS))) });
  }
  return seeds;
}

/** tfjs layers models (model.json manifests and weights.bin) through loadModel; manifest mutations include weight paths out of the directory. */
export const modelTarget: FuzzTarget<{ json: string; weights: Uint8Array }, ModelContext> = {
  name: 'model',
  reader: 'loadModel (core, tfjs manifests)',
  async setup(dir) {
    const seeds = await seedModels(dir);
    const modelDir = join(dir, 'model');
    await mkdir(modelDir, { recursive: true });
    return { dir: modelDir, seeds };
  },
  arbitrary: ({ seeds }) => fc.nat(seeds.length - 1).chain((i) => {
    const seed = seeds[i]!;
    const json = mutatedJson([seed.json], { hugeLengths: [1000] });
    const weights = mutatedBytes([seed.weights], 16);
    const validJson = fc.constant(JSON.stringify(seed.json));
    return fc.oneof(
      { weight: 3, arbitrary: fc.record({ json, weights: fc.constant(seed.weights) }) },
      { weight: 1, arbitrary: fc.record({ json: validJson, weights }) },
      { weight: 1, arbitrary: fc.record({ json, weights }) },
    );
  }),
  async run({ json, weights }, { dir }) {
    await writeFile(join(dir, MODEL_JSON), json);
    await writeFile(join(dir, MODEL_WEIGHTS), weights);
    const model = await loadModel(dir);
    model.dispose();
  },
  names: ({ dir }) => [dir],
};
