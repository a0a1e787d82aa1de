import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VOC_CLASSES, generateScenes, sceneItems, writeScenes, type CocoGroundTruth } from '@metricopt/detection';
import { CONFIGS, bench, tempBase } from '../paper-config.fixture.js';

const base = tempBase('detection-configs-');

/** Generated scenes rewritten as a Pascal VOC year directory: Annotations/*.xml (1-based inclusive corners), JPEGImages/, ImageSets/Main/{trainval,test}.txt. */
async function writeVocFixture(root: string): Promise<string> {
  const items = await sceneItems('embedded');
  for (const d of ['Annotations', 'JPEGImages', join('ImageSets', 'Main')]) await mkdir(join(root, d), { recursive: true });
  for (const [split, count, seed] of [['trainval', 20, 1], ['test', 6, 2]] as const) {
    const scenesDir = join(root, `scenes-${split}`);
    await writeScenes(generateScenes(split === 'test' ? items.test : items.train, { count, seed }), scenesDir);
    const gt = JSON.parse(await readFile(join(scenesDir, 'annotations.json'), 'utf8')) as CocoGroundTruth;
    const ids: string[] = [];
    for (const img of gt.images) {
      const id = `${split}_${String(img.id).padStart(4, '0')}`;
      ids.push(id);
      const file = `${id}.png`;
      await copyFile(join(scenesDir, 'images', basename(String(img.file_name))), join(root, 'JPEGImages', file));
      const objects = gt.annotations.filter((a) => a.image_id === img.id).map((a) => {
        const [x, y, w, h] = a.bbox as [number, number, number, number];
        const box = [Math.round(x) + 1, Math.round(y) + 1, Math.max(Math.round(x) + 1, Math.round(x + w)), Math.max(Math.round(y) + 1, Math.round(y + h))];
        return `<object><name>${VOC_CLASSES[Number(a.category_id) - 1]}</name><difficult>0</difficult>` +
          `<bndbox><xmin>${box[0]}</xmin><ymin>${box[1]}</ymin><xmax>${box[2]}</xmax><ymax>${box[3]}</ymax></bndbox></object>`;
      });
      await writeFile(join(root, 'Annotations', `${id}.xml`),
        `<annotation><filename>${file}</filename><size><width>${img.width}</width><height>${img.height}</height><depth>1</depth></size>${objects.join('')}</annotation>\n`);
    }
    await writeFile(join(root, 'ImageSets', 'Main', `${split}.txt`), `${ids.join('\n')}\n`);
  }
  return root;
}

/** Generated scenes in COCO 2017's layout: annotations/instances_{train,val}2017.json, train2017/, val2017/. */
async function writeCoco2017Fixture(root: string): Promise<string> {
  const items = await sceneItems('embedded');
  await mkdir(join(root, 'annotations'), { recursive: true });
  await writeScenes(generateScenes(items.train, { count: 20, seed: 3 }), root, { annotations: 'annotations/instances_train2017.json', imageDir: 'train2017' });
  await writeScenes(generateScenes(items.test, { count: 8, seed: 4 }), root, { annotations: 'annotations/instances_val2017.json', imageDir: 'val2017' });
  return root;
}

// The configs' budgets, shrunk on the command line (flags override the file) to a few seconds.
const tiny = () => ['--seeds', '1', '--steps', '2', '--image-size', '32', '--filters', '4,4,4,4', '--head-filters', '4', '--pretrain-steps', '2',
  '--pretrain-batch-size', '8', '--batch-size', '8', '--observe-every', '2', '--cache-dir', join(base(), 'cache'), '--methods', 'loss,es', '--json'];

describe('the detection configs on fixtures in the real layouts', () => {
  it('voc.json runs on a VOC year directory (trainval → train + pool, test)', async () => {
    const root = await writeVocFixture(join(base(), 'VOCdevkit', 'VOC2007'));
    const r = await bench(['bench', 'detection', '--config', join(CONFIGS, 'voc.json'), '--data-dir', join(base(), 'VOCdevkit'), ...tiny()]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.dataset, result.metric.name]).toEqual(['voc', 'coco-map']);
    // pool-fraction 0.2 from the file: 4 of the 20 trainval images, split into metric (2) and twin (2).
    expect(result.methods.loss.runs[0]).toMatchObject({ trainCount: 16, metricCount: 2, twinCount: 2, testCount: 6 });
    expect(result.settings).toMatchObject({ poolFraction: 0.2, imageSize: 32, channels: 3 });
    expect(root).toContain('VOC2007');
  }, 60_000);

  it('coco.json runs on COCO 2017 files, reading only the first --max-images by id', async () => {
    const root = await writeCoco2017Fixture(join(base(), 'coco'));
    const r = await bench(['bench', 'detection', '--config', join(CONFIGS, 'coco.json'), '--data-dir', root, ...tiny(), '--max-images', '15']);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect([result.dataset, result.metric.name]).toEqual(['coco', 'coco-map']);
    // 15 of the 20 train2017 images (3 held out: round(15·0.2)), all 8 of val2017.
    expect(result.methods.loss.runs[0]).toMatchObject({ trainCount: 12, testCount: 8 });
  }, 60_000);
});
