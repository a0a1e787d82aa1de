import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@metricopt/core';
import { CONFIGS, bench, tempBase } from '../paper-config.fixture.js';

const base = tempBase('classification-configs-');

/** CIFAR binary records: label byte(s), then 1024 red, 1024 green, 1024 blue bytes; the class sets the mean colour. */
function records(count: number, classes: number, labelBytes: (c: number) => number[], seed: number): Buffer {
  const rng = new Rng(seed);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    out.push(...labelBytes(c));
    for (let ch = 0; ch < 3; ch++) for (let p = 0; p < 1024; p++) out.push(Math.max(0, Math.min(255, Math.round(((c * 37 + ch * 80) % 256) + 30 * rng.normal()))));
  }
  return Buffer.from(out);
}

/** CIFAR-10's binary version: cifar-10-batches-bin/data_batch_{1..5}.bin and test_batch.bin. */
async function writeCifar10(dir: string, perBatch: number, test: number): Promise<string> {
  const root = join(dir, 'cifar-10-batches-bin');
  await mkdir(root, { recursive: true });
  for (let b = 1; b <= 5; b++) await writeFile(join(root, `data_batch_${b}.bin`), records(perBatch, 10, (c) => [c], b));
  await writeFile(join(root, 'test_batch.bin'), records(test, 10, (c) => [c], 9));
  return root;
}

/** CIFAR-100's binary version: cifar-100-binary/train.bin and test.bin, records of a coarse and a fine label byte. */
async function writeCifar100(dir: string, train: number, test: number): Promise<string> {
  const root = join(dir, 'cifar-100-binary');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'train.bin'), records(train, 100, (c) => [c % 20, c], 1));
  await writeFile(join(root, 'test.bin'), records(test, 100, (c) => [c % 20, c], 2));
  return root;
}

// The configs' budgets shrunk on the command line (flags override the file).
const tiny = () => ['--seeds', '1', '--steps', '2', '--pretrain-epochs', '1', '--widths', '4,4', '--batch-size', '16', '--observe-every', '2',
  '--cache-dir', join(base(), 'cache'), '--methods', 'loss,metricopt', '--json'];

describe('the classification configs on CIFAR binary fixtures', () => {
  it('cifar10-aucpr.json and cifar10.json run on cifar-10-batches-bin', async () => {
    const dir = await writeCifar10(base(), 40, 40);
    const r = await bench(['bench', 'classification', '--config', join(CONFIGS, 'cifar10-aucpr.json'), '--data-dir', dir, ...tiny()]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.dataset, result.metric]).toEqual(['cifar-10', { name: 'aucpr', higherIsBetter: true }]);
    // From the file: balanced (imbalance 1), a small ResNet, a 10% metric split; from the command line: widths 4,4.
    expect(result.settings).toMatchObject({ imbalance: 1, architecture: 'small-resnet', metricFraction: 0.1, widths: [4, 4], inputShape: [32, 32, 3], numClasses: 10 });
    const errorRate = await bench(['bench', 'classification', '--config', join(CONFIGS, 'cifar10.json'), '--data-dir', base(), ...tiny()]);
    expect(errorRate.code).toBe(0);
    expect(JSON.parse(errorRate.stdout).metric.name).toBe('error-rate');
  }, 60_000);

  it('cifar100.json runs on cifar-100-binary (100 fine classes)', async () => {
    await writeCifar100(base(), 600, 100);
    const r = await bench(['bench', 'classification', '--config', join(CONFIGS, 'cifar100.json'), '--data-dir', base(), ...tiny()]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.dataset, result.metric.name, result.settings.numClasses]).toEqual(['cifar-100', 'error-rate', 100]);
  }, 60_000);
});
