import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CONFIGS, bench, tempBase } from '../paper-config.fixture.js';

const CLASSES = 24;
const PER_CLASS = 4;

const base = tempBase('retrieval-configs-');

/** A 20×20 RGB image whose colour depends on the class and the sample. */
async function image(path: string, c: number, k: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: (c * 41) % 256, g: (c * 97 + k * 9) % 256, b: (k * 53) % 256 } } }).png().toFile(path);
}

/** CUB-200-2011 as distributed: images.txt, image_class_labels.txt, images/<class folder>/<file>; classes 1–12 train, 13–24 test. */
async function writeCub(dir: string): Promise<string> {
  const images: string[] = [];
  const labels: string[] = [];
  let id = 1;
  for (let c = 1; c <= CLASSES; c++) {
    for (let k = 0; k < PER_CLASS; k++, id++) {
      const rel = `${String(c).padStart(3, '0')}.Bird_${c}/Bird_${c}_${k}.png`;
      await image(join(dir, 'images', rel), c, k);
      images.push(`${id} ${rel}`);
      labels.push(`${id} ${c}`);
    }
  }
  await writeFile(join(dir, 'images.txt'), `${images.join('\n')}\n`);
  await writeFile(join(dir, 'image_class_labels.txt'), `${labels.join('\n')}\n`);
  return dir;
}

/** Stanford Online Products: Ebay_train.txt and Ebay_test.txt (header, "image_id class_id super_class_id path") beside the folders. */
async function writeSop(dir: string): Promise<string> {
  const lines: Record<string, string[]> = { train: [], test: [] };
  let id = 1;
  for (let c = 1; c <= CLASSES; c++) {
    for (let k = 0; k < PER_CLASS; k++, id++) {
      const rel = `bicycle_final/${c}_${k}.JPG`;
      await mkdir(join(dir, 'bicycle_final'), { recursive: true });
      await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: (c * 41) % 256, g: (k * 9) % 256, b: 90 } } }).jpeg().toFile(join(dir, rel));
      lines[c <= CLASSES / 2 ? 'train' : 'test']!.push(`${id} ${c} 1 ${rel}`);
    }
  }
  for (const split of ['train', 'test']) await writeFile(join(dir, `Ebay_${split}.txt`), `image_id class_id super_class_id path\n${lines[split]!.join('\n')}\n`);
  return dir;
}

/** Cars196 in its "one folder per class" copy: <class name>/<file>; class ids by sorted folder name, the first half train. */
async function writeCars(dir: string): Promise<string> {
  for (let c = 1; c <= CLASSES; c++) for (let k = 0; k < PER_CLASS; k++) await image(join(dir, `Car Model ${String(c).padStart(2, '0')}`, `${k}.png`), c, k);
  return dir;
}

// The configs' budgets shrunk on the command line (flags override the file).
const tiny = () => ['--seeds', '1', '--steps', '2', '--image-size', '16', '--widths', '4,4', '--dim', '8', '--pretrain-steps', '2', '--pretrain-classes', '4',
  '--samples-per-class', '2', '--batch-size', '8', '--groupings', '1', '--observe-every', '2', '--cache-dir', join(base(), 'cache'), '--methods', 'loss,metricopt', '--json'];

describe('the retrieval configs on fixtures in the real layouts', () => {
  it.each([
    ['cub.json', 'cub', writeCub],
    ['sop.json', 'sop', writeSop],
    ['cars.json', 'cars', writeCars],
  ])('%s runs on its dataset layout, Recall@1 on the unseen test classes', async (config, dataset, write) => {
    const dir = await write(join(base(), dataset));
    const r = await bench(['bench', 'retrieval', '--config', join(CONFIGS, config), '--data-dir', dir, ...tiny(), ...(dataset === 'sop' ? ['--max-classes', String(CLASSES)] : [])]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.dataset, result.metric.name]).toEqual([dataset, 'recall@1']);
    // From the file: a small ResNet; from the command line: 16×16 images.
    expect(result.settings).toMatchObject({ architecture: 'small-resnet', imageSize: 16, widths: [4, 4] });
    const run = result.methods.metricopt.runs[0];
    expect(run.after).toBeGreaterThanOrEqual(0);
    expect(run.after).toBeLessThanOrEqual(1);
  }, 60_000);
});
