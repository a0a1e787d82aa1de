// Builds the embedded dataset (assets/fashion-mnist-mini) from the full Fashion-MNIST files:
// a seeded, class-balanced subset of the train and test sets, written as gzipped IDX.
//
//   node --import tsx scripts/make-embedded.ts [--source DIR] [--out DIR] [--seed 1] [--train-per-class 600] [--test-per-class 200]
//
// --source defaults to $FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist. The same
// source, seed and counts give the same images in the same order on every machine.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Rng } from '@metricopt/core';
import { perClassSubset } from '../src/class-subsets.js';
import { loadFashionMnist } from '../src/fashion-mnist.js';
import { encodeIdx } from '../src/idx.js';
import type { LabelledImages } from '../src/labelled-images.js';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('../assets/fashion-mnist-mini', import.meta.url)) },
    seed: { type: 'string', default: '1' },
    'train-per-class': { type: 'string', default: '600' },
    'test-per-class': { type: 'string', default: '200' },
  },
});
const seed = Number(values.seed);
const perClass = { train: Number(values['train-per-class']), t10k: Number(values['test-per-class']) };

const full = await loadFashionMnist(values.source === undefined ? {} : { dir: values.source });
const rng = new Rng(seed);
await mkdir(values.out, { recursive: true });

const written: string[] = [];
async function write(name: string, array: Parameters<typeof encodeIdx>[0]): Promise<void> {
  // Level 9 and gzip's zeroed mtime keep the bytes reproducible.
  const bytes = gzipSync(encodeIdx(array), { level: 9 });
  await writeFile(`${values.out}/${name}`, bytes);
  written.push(`${name} (${bytes.length} bytes)`);
}

for (const [split, set] of [['train', full.train], ['t10k', full.test]] as Array<['train' | 't10k', LabelledImages]>) {
  const chosen = perClassSubset(set.labels, perClass[split], { rng });
  const [, h, w] = set.shape as [number, number, number];
  const images = new Uint8Array(chosen.length * h * w);
  chosen.forEach((src, row) => images.set(set.images.subarray(src * h * w, (src + 1) * h * w) as Uint8Array, row * h * w));
  await write(`${split}-images-idx3-ubyte.gz`, { dtype: 'uint8', shape: [chosen.length, h, w], data: images });
  await write(`${split}-labels-idx1-ubyte.gz`, { dtype: 'uint8', shape: [chosen.length], data: Array.from(chosen, (i) => set.labels[i]!) });
  // Row i of the subset is row source[i] of the full file: provenance, checked by the tests.
  await write(`${split}-source-index-idx1-int.gz`, { dtype: 'int32', shape: [chosen.length], data: chosen });
}
console.log(`seed ${seed}, ${perClass.train} train + ${perClass.t10k} test images per class from ${full.files.trainImages}:`);
for (const line of written) console.log(`  ${values.out}/${line}`);
