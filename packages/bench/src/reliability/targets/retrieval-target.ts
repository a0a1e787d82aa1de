import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCarsList, loadCubList, loadSopList, runEvalRetrieval } from '@metricopt/retrieval';
import { mutatedBytes, mutatedText } from '../byte-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

interface EvalContext {
  embeddings: string;
  labels: string;
  seeds: { embeddings: Uint8Array; labels: Uint8Array; dim: number }[];
}

interface EvalInput {
  files: { embeddings: Uint8Array; labels: Uint8Array };
  dim: unknown;
  k: unknown;
  queryCount: unknown;
  metric: unknown;
}

/** Little-endian float32 rows and int32 labels, as `metricopt eval retrieval` reads them. */
function evalSeed(rows: number, dim: number, classes: number): { embeddings: Uint8Array; labels: Uint8Array; dim: number } {
  const e = new Float32Array(rows * dim).map((_, i) => Math.sin(i * 1.7) + (i % dim === 0 ? Math.floor(i / dim) % classes : 0));
  const l = Int32Array.from({ length: rows }, (_, i) => i % classes);
  return { embeddings: new Uint8Array(e.buffer), labels: new Uint8Array(l.buffer), dim };
}

/** Numbers and non-numbers for the numeric arguments. */
const badNumber = fc.constantFrom<unknown>(0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 2 ** 53, '3', null, undefined, [], {});

/** `metricopt eval retrieval` inputs: raw embeddings and labels files (mutated) and its arguments (sometimes wrong). */
export const retrievalEvalTarget: FuzzTarget<EvalInput, EvalContext> = {
  name: 'retrieval-eval',
  reader: 'runEvalRetrieval (retrieval)',
  async setup(dir) {
    return { embeddings: join(dir, 'embeddings.f32'), labels: join(dir, 'labels.i32'), seeds: [evalSeed(6, 4, 3), evalSeed(10, 3, 2), evalSeed(4, 8, 4)] };
  },
  arbitrary: ({ seeds }) => fc.nat(seeds.length - 1).chain((i) => {
    const seed = seeds[i]!;
    const embeddings = mutatedBytes([seed.embeddings], 16);
    const labels = mutatedBytes([seed.labels], 16);
    // One file mutated at a time, or both.
    const files = fc.oneof(
      fc.record({ embeddings, labels: fc.constant(seed.labels) }),
      fc.record({ embeddings: fc.constant(seed.embeddings), labels }),
      fc.record({ embeddings, labels }),
    );
    return fc.record({
      files,
      dim: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(seed.dim) }, { weight: 1, arbitrary: fc.oneof(badNumber, fc.integer({ min: 1, max: 64 })) }),
      k: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>([1, 2, 4]) }, { weight: 1, arbitrary: fc.oneof(badNumber, fc.array(fc.oneof(badNumber, fc.integer({ min: 1, max: 2 ** 31 })), { maxLength: 4 })) }),
      queryCount: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>(undefined) }, { weight: 1, arbitrary: fc.oneof(badNumber, fc.integer({ min: -2, max: 12 })) }),
      metric: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>('cosine', 'euclidean') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('manhattan', '', 3, null) }),
    });
  }),
  async run(input, context) {
    await writeFile(context.embeddings, input.files.embeddings);
    await writeFile(context.labels, input.files.labels);
    const options = { embeddings: context.embeddings, labels: context.labels, dim: input.dim, k: input.k, metric: input.metric, json: true, ...(input.queryCount === undefined ? {} : { queryCount: input.queryCount }) };
    await runEvalRetrieval(options as Parameters<typeof runEvalRetrieval>[0]);
  },
  // A wrong argument is named by the argument, a wrong file by its path.
  names: (context) => [context.embeddings, context.labels, "'dim'", "'k'", "'queryCount'", "'metric'"],
};

interface ListContext {
  dir: string;
}

type ListInput = { dataset: 'cub'; images: string; labels: string; classes: string } | { dataset: 'cars'; csv: string } | { dataset: 'sop'; train: string; test: string };

const CUB = {
  images: '1 001.Black_footed_Albatross/a.jpg\n2 001.Black_footed_Albatross/b.jpg\n3 101.Wren/c.jpg\n4 200.Yellowthroat/d.jpg\n',
  labels: '1 1\n2 1\n3 101\n4 200\n',
  classes: '1 001.Black_footed_Albatross\n101 101.Wren\n200 200.Yellowthroat\n',
};
const CARS = 'relative_im_path,bbox_x1,bbox_y1,bbox_x2,bbox_y2,class,test\ncar_ims/000001.jpg,1,2,3,4,1,0\n"car_ims/000002.jpg",1,2,3,4,2,1\ncar_ims/000003.jpg,1,2,3,4,196,1\n';
const SOP_HEADER = 'image_id class_id super_class_id path';
const SOP = {
  train: `${SOP_HEADER}\n1 1 1 bicycle_final/111085122871_0.JPG\n2 1 1 bicycle_final/111085122871_1.JPG\n3 2 1 bicycle_final/111265328556_0.JPG\n`,
  test: `${SOP_HEADER}\n4 11319 1 bicycle_final/251952414262_0.JPG\n5 11320 2 cabinet_final/251952414262_2.JPG\n`,
};

/** The CUB-200-2011, Cars196 (CSV) and Stanford Online Products list files, one file of a set mutated at a time. */
export const retrievalListTarget: FuzzTarget<ListInput, ListContext> = {
  name: 'retrieval-lists',
  reader: 'loadCubList, loadCarsList, loadSopList (retrieval)',
  async setup(dir) {
    return { dir };
  },
  arbitrary: () => fc.oneof(
    fc.constantFrom('images' as const, 'labels' as const, 'classes' as const).chain((which) =>
      mutatedText([CUB[which]], 8).map((text) => ({ dataset: 'cub' as const, ...CUB, [which]: text }))),
    mutatedText([CARS], 48).map((csv) => ({ dataset: 'cars' as const, csv })),
    fc.constantFrom('train' as const, 'test' as const).chain((which) =>
      mutatedText([SOP[which]], 48).map((text) => ({ dataset: 'sop' as const, ...SOP, [which]: text }))),
  ),
  async run(input, { dir }) {
    const root = join(dir, input.dataset);
    await mkdir(root, { recursive: true });
    if (input.dataset === 'cub') {
      await writeFile(join(root, 'images.txt'), input.images);
      await writeFile(join(root, 'image_class_labels.txt'), input.labels);
      await writeFile(join(root, 'classes.txt'), input.classes);
      await loadCubList(root);
    } else if (input.dataset === 'cars') {
      await writeFile(join(root, 'cars_annos.csv'), input.csv);
      await loadCarsList(root);
    } else {
      await writeFile(join(root, 'Ebay_train.txt'), input.train);
      await writeFile(join(root, 'Ebay_test.txt'), input.test);
      await loadSopList(root);
    }
  },
  names: ({ dir }) => [dir],
};
