import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore, checkpointChecksum } from './checkpoint.js';
import { CheckpointError, MetricOptError } from './errors.js';
import { checkFinetuneState, type StateExpectations } from './finetune-state.js';
import { finetune } from './finetune.js';
import type { ObservationRound } from './observation.js';
import { Rng } from './rng.js';
import { errorRate, tinyOptions } from './finetune-problem.fixture.js';
import { damagedText, mutatedState } from './fuzz-mutations.fixture.js';
import { GlobalValueNet } from './value/global-value-net.js';
import { MlpEncoder } from './value/mlp-encoder.js';
import { ValueFunction } from './value/value-function.js';

// Seeded fuzz of core's state readers (the 10,000-input runs: the checkpoint, value-state and value-net targets of packages/bench/scripts/fuzz.ts):
// every broken input is accepted or refused with a MetricOptError naming what was read, never anything else.

/** Runs `read` and fails the property unless it succeeded or threw a MetricOptError naming `name`. */
async function acceptedOrTyped(read: () => unknown, name: string): Promise<'accepted' | 'typed'> {
  try {
    await read();
    return 'accepted';
  } catch (err) {
    if (err instanceof MetricOptError && err.message.includes(name)) return 'typed';
    throw new Error(`untyped or unnamed failure: ${String(err)}`, { cause: err });
  }
}

const signed = (state: unknown): string => {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return JSON.stringify(state) ?? '';
  return JSON.stringify({ ...state, checksum: checkpointChecksum(state as Record<string, unknown>) });
};

let root = '';
const seeds: Record<string, unknown>[] = [];
let expectations: StateExpectations;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'state-fuzz-'));
  const seedDir = join(root, 'seed');
  const o = tinyOptions(errorRate, { steps: 20, observeEvery: 5, perturbations: 2, checkpoint: { dir: seedDir, every: 5 } });
  await finetune({ ...o, onStep: ({ step }) => void (step === 11 && copyFile(join(seedDir, 'checkpoint.json'), join(root, 'mid.json'))) });
  for (const file of [join(root, 'mid.json'), join(seedDir, 'checkpoint.json')]) {
    const { checksum: _checksum, ...body } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    seeds.push(body);
  }
  expectations = { params: o.params.size, trainRows: 300, variableShapes: o.params.variables.map((v) => v.shape.slice()) };
  o.model.dispose();
});

describe('checkpoint reading, fuzzed', () => {
  it('broken states (re-signed, so the field checks see them) are accepted or a CheckpointError naming the file', async () => {
    const dir = join(root, 'fields');
    const store = new CheckpointStore(dir);
    await mkdir(dir, { recursive: true });
    const arbitrary = fc.oneof(mutatedState(seeds[0]), mutatedState(seeds[1]));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (state) => {
        await writeFile(store.path, signed(state));
        await acceptedOrTyped(async () => checkFinetuneState(await store.load(), store.path, expectations), store.path);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('a truncated file or a flipped bit is refused (or, where the flip leaves the same numbers, reads the same state)', async () => {
    const dir = join(root, 'damaged');
    const store = new CheckpointStore(dir);
    await mkdir(dir, { recursive: true });
    const text = signed(seeds[0]);
    await fc.assert(
      fc.asyncProperty(damagedText(JSON.parse(text)), async (damaged) => {
        await writeFile(store.path, damaged);
        const got = await store.load().catch((e: unknown) => e);
        // A changed last digit can spell the same double: then the content, and so the checksum, is unchanged.
        if (got instanceof Error) {
          expect(got).toBeInstanceOf(CheckpointError);
          expect(String(got)).toContain(store.path);
        } else expect(got).toEqual(seeds[0]);
      }),
      { seed: 8, numRuns: 150 },
    );
  });

  it('resuming finetune from a broken checkpoint resumes or refuses it naming the directory', async () => {
    const dir = join(root, 'resume');
    const o = tinyOptions(errorRate, { steps: 20, observeEvery: 5, perturbations: 2 });
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedState(seeds[0]), mutatedState(seeds[1])), async (state) => {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'checkpoint.json'), signed(state));
        o.params.write(o.params.phi0);
        await acceptedOrTyped(() => finetune({ ...o, optimizer: undefined, checkpoint: { dir, every: 5 } }), dir);
      }),
      { seed: 9, numRuns: 25 },
    );
    o.model.dispose();
  });
});

/** Rounds of a quadratic in `dim` coordinates. */
function rounds(dim: number, n: number): ObservationRound[] {
  const rng = new Rng(3);
  return Array.from({ length: n }, (_, r) => {
    const deltas = Array.from({ length: 5 }, () => Float32Array.from({ length: dim }, () => 0.1 * rng.normal()));
    const metrics = deltas.map((d) => d.reduce((s, v) => s + v * v, 0));
    return { round: r, step: 5 * r, deltas, metrics, scores: metrics.map((m) => -m), wholeSplit: true };
  });
}

describe('value-function state and saved value nets, fuzzed', () => {
  it('ValueFunction.setState takes a broken state or refuses it with a FormatError naming the source', async () => {
    const layout = tinyOptions(errorRate).params.layout;
    const plain = new ValueFunction();
    const online = () =>
      new ValueFunction({ global: new GlobalValueNet({ encoder: new MlpEncoder({ layout, hidden: [3], rng: new Rng(1) }), steps: 3 }), trainGlobalOnline: true });
    const withNet = online();
    for (const r of rounds(layout.size, 4)) {
      plain.addRound(r, { surrogateSlopes: [Float64Array.from(r.deltas[0]!, (v) => -v)] });
      withNet.addRound(r);
    }
    const states = [plain.getState(), withNet.getState()].map((s) => JSON.parse(JSON.stringify(s)) as unknown);
    withNet.dispose();
    const source = 'fuzzed state';
    await fc.assert(
      fc.asyncProperty(fc.nat(1), fc.oneof(mutatedState(states[0]), mutatedState(states[1])), async (kind, state) => {
        const v = kind === 0 ? new ValueFunction() : online();
        try {
          await acceptedOrTyped(() => v.setState(state as never, source), source);
        } finally {
          v.dispose();
        }
      }),
      { seed: 10, numRuns: 200 },
    );
  });

  it('GlobalValueNet.load reads broken metadata.json, model.json and weights.bin or refuses them naming the file', async () => {
    const layout = tinyOptions(errorRate).params.layout;
    const net = new GlobalValueNet({ encoder: new MlpEncoder({ layout, hidden: [3], rng: new Rng(1) }), metric: { name: 'm', higherIsBetter: true } });
    const seedDir = join(root, 'net-seed');
    await net.save(seedDir);
    net.dispose();
    const metadata = JSON.parse(await readFile(join(seedDir, 'metadata.json'), 'utf8')) as unknown;
    const model = JSON.parse(await readFile(join(seedDir, 'model.json'), 'utf8')) as unknown;
    const weights = await readFile(join(seedDir, 'weights.bin'));
    const dir = join(root, 'net');
    await mkdir(dir, { recursive: true });
    const input = fc.oneof(
      fc.record({ file: fc.constant('metadata.json'), text: fc.oneof(mutatedState(metadata).map((v) => JSON.stringify(v) ?? ''), damagedText(metadata)) }),
      fc.record({ file: fc.constant('model.json'), text: fc.oneof(mutatedState(model).map((v) => JSON.stringify(v) ?? ''), damagedText(model)) }),
      fc.record({ file: fc.constant('weights.bin'), cut: fc.nat(weights.length - 1) }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (change) => {
        await writeFile(join(dir, 'metadata.json'), JSON.stringify(metadata));
        await writeFile(join(dir, 'model.json'), JSON.stringify(model));
        await writeFile(join(dir, 'weights.bin'), weights);
        if ('text' in change) await writeFile(join(dir, change.file), change.text);
        else await writeFile(join(dir, 'weights.bin'), weights.subarray(0, change.cut));
        await acceptedOrTyped(async () => (await GlobalValueNet.load(dir)).dispose(), dir);
      }),
      { seed: 11, numRuns: 50 },
    );
  });
});
