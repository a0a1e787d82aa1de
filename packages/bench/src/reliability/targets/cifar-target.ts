import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { CIFAR10_LAYOUT, CIFAR_IMAGE_BYTES, cifar100Layout, loadCifar10, parseCifarBinary } from '@metricopt/classification';
import { mutatedBytes } from '../byte-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

interface CifarContext {
  seeds10: Uint8Array[];
  seeds100: Uint8Array[];
  dir: string;
}

interface CifarInput {
  bytes: Uint8Array;
  layout: 'cifar-10' | 'cifar-100-fine' | 'cifar-100-coarse';
}

/** Records of label bytes then 3,072 pixel bytes. */
function batch(labels: number[][]): Uint8Array {
  const record = labels[0]!.length + CIFAR_IMAGE_BYTES;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((l, i) => {
    out.set(l, i * record);
    for (let p = 0; p < CIFAR_IMAGE_BYTES; p++) out[i * record + l.length + p] = (p * 31 + i) % 256;
  });
  return out;
}

/** CIFAR-10/100 binary batches: parseCifarBinary, and loadCifar10 on a directory whose test_batch.bin is the input. */
export const cifarTarget: FuzzTarget<CifarInput, CifarContext> = {
  name: 'cifar',
  reader: 'parseCifarBinary, loadCifar10 (classification)',
  async setup(dir) {
    const seeds10 = [batch([[3]]), batch([[0], [9]]), batch([[1], [2], [7]])];
    const seeds100 = [batch([[4, 44]]), batch([[19, 99], [0, 0]])];
    const good = batch([[1], [2]]);
    for (let i = 1; i <= 5; i++) await writeFile(join(dir, `data_batch_${i}.bin`), good);
    return { seeds10, seeds100, dir };
  },
  arbitrary: ({ seeds10, seeds100 }) => fc.oneof(
    fc.record({ bytes: mutatedBytes(seeds10, 4), layout: fc.constant('cifar-10' as const) }),
    fc.record({ bytes: mutatedBytes(seeds100, 4), layout: fc.constantFrom('cifar-100-fine' as const, 'cifar-100-coarse' as const) }),
    // A CIFAR-100 file read as CIFAR-10 and the other way round.
    fc.record({ bytes: mutatedBytes([...seeds10, ...seeds100], 4), layout: fc.constantFrom('cifar-10' as const, 'cifar-100-fine' as const) }),
  ),
  async run({ bytes, layout }, { dir }) {
    const name = join(dir, 'test_batch.bin');
    const l = layout === 'cifar-10' ? CIFAR10_LAYOUT : cifar100Layout(layout === 'cifar-100-fine' ? 'fine' : 'coarse');
    parseCifarBinary(bytes, name, l);
    if (layout !== 'cifar-10') return;
    await writeFile(name, bytes);
    await loadCifar10(dir);
  },
  names: ({ dir }) => [dir],
};
