import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classCounts } from './class-subsets.js';
import { EMBEDDED_DIR, loadEmbedded } from './embedded.js';
import { FASHION_MNIST_DEBIAN_DIR, loadFashionMnist } from './fashion-mnist.js';
import { readIdx } from './idx.js';

describe('loadEmbedded', () => {
  it('loads 600 train and 200 test images of each class, uint8 [N, 28, 28], shuffled', async () => {
    const mini = await loadEmbedded();
    expect(mini.train.shape).toEqual([6000, 28, 28]);
    expect(mini.test.shape).toEqual([2000, 28, 28]);
    expect(mini.train.images).toBeInstanceOf(Uint8Array);
    expect(classCounts(mini.train.labels)).toEqual(new Array(10).fill(600));
    expect(classCounts(mini.test.labels)).toEqual(new Array(10).fill(200));
    expect(mini.numClasses).toBe(10);
    expect(mini.classNames).toHaveLength(10);
    expect(new Set(mini.train.labels.slice(0, 50)).size).toBeGreaterThan(5);
    // Real images, not blanks: mean intensity of Fashion-MNIST is about 73/255.
    const mean = (mini.train.images as Uint8Array).reduce((a, b) => a + b, 0) / mini.train.images.length;
    expect(mean).toBeGreaterThan(50);
    expect(mean).toBeLessThan(100);
  });

  it('ships its assets and licence with the package', () => {
    const pkg = JSON.parse(readFileSync(join(EMBEDDED_DIR, '..', '..', 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('assets');
    expect(readFileSync(join(EMBEDDED_DIR, 'LICENSE'), 'utf8')).toContain('Copyright © 2017 Zalando SE');
  });

  it.skipIf(!existsSync(join(FASHION_MNIST_DEBIAN_DIR, 'train-images-idx3-ubyte.gz')))('every row is the full dataset row its source index names', async () => {
    const [mini, full] = await Promise.all([loadEmbedded(), loadFashionMnist({ dir: FASHION_MNIST_DEBIAN_DIR })]);
    for (const [split, small, big] of [['train', mini.train, full.train], ['t10k', mini.test, full.test]] as const) {
      const source = (await readIdx(join(EMBEDDED_DIR, `${split}-source-index-idx1-int.gz`))).data;
      expect(new Set(source).size).toBe(source.length);
      expect(Array.from(small.labels)).toEqual(Array.from(source, (s) => big.labels[s]));
      for (let i = 0; i < source.length; i++) {
        const s = source[i]!;
        const a = small.images.subarray(i * 784, (i + 1) * 784) as Uint8Array;
        const b = big.images.subarray(s * 784, (s + 1) * 784) as Uint8Array;
        if (Buffer.compare(a, b) !== 0) expect.fail(`${split} row ${i} differs from source row ${s}`);
      }
    }
  });
});
