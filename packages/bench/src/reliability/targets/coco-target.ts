import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { loadCocoDataset, parseCocoGroundTruth, parseCocoResults, runEvalDetection } from '@metricopt/detection';
import { mutatedJson } from '../json-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

/** A small COCO instances file: numeric ids, crowd and area variants, one image without boxes. */
export function cocoGroundTruthSeed(fileNames: string[] = ['a.png', 'sub/b.png', 'c.png']): Record<string, unknown> {
  return {
    info: { description: 'fuzz seed' },
    images: fileNames.map((file_name, i) => ({ id: i + 1, file_name, width: 8, height: 6 })),
    categories: [{ id: 1, name: 'cat' }, { id: 3, name: 'dog' }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 4, 3], area: 12, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 3, bbox: [0, 0, 8, 6], iscrowd: 0 },
      { id: 5, image_id: 2, category_id: 1, bbox: [2, 2, 2, 2], area: 4, iscrowd: 1 },
      { id: 9, image_id: 2, category_id: 3, bbox: [0.5, 1.5, 3, 2.5], iscrowd: 0 },
    ],
  };
}

const RESULTS_SEED = [
  { image_id: 1, category_id: 1, bbox: [1, 1, 4, 3], score: 0.9 },
  { image_id: 1, category_id: 3, bbox: [0, 0, 7, 6], score: 0.8 },
  { image_id: 2, category_id: 1, bbox: [2, 2, 2, 2], score: 0.3 },
  { image_id: 3, category_id: 3, bbox: [1, 1, 1, 1], score: 0.99 },
  { image_id: 2, category_id: 3, bbox: [0, 1, 3, 3], score: 0.5 },
];

interface CocoEvalContext {
  gtPath: string;
  dtPath: string;
}

/** COCO evaluation inputs: ground truth and results JSON (each or both mutated), through runEvalDetection and the parse functions. */
export const cocoEvalTarget: FuzzTarget<{ gt: string; dt: string }, CocoEvalContext> = {
  name: 'coco-eval',
  reader: 'runEvalDetection, parseCocoGroundTruth, parseCocoResults (detection)',
  async setup(dir) {
    return { gtPath: join(dir, 'instances.json'), dtPath: join(dir, 'results.json') };
  },
  arbitrary: () => {
    const gtValid = fc.constant(JSON.stringify(cocoGroundTruthSeed()));
    const dtValid = fc.constant(JSON.stringify(RESULTS_SEED));
    const gt = mutatedJson([cocoGroundTruthSeed()]);
    const dt = mutatedJson([RESULTS_SEED]);
    return fc.oneof(
      fc.record({ gt, dt: dtValid }),
      fc.record({ gt: gtValid, dt }),
      fc.record({ gt, dt }),
    );
  },
  async run({ gt, dt }, { gtPath, dtPath }) {
    await writeFile(gtPath, gt);
    await writeFile(dtPath, dt);
    await runEvalDetection({ gt: gtPath, dt: dtPath, json: true });
    parseCocoGroundTruth(gt, gtPath);
    parseCocoResults(dt, dtPath);
  },
  names: ({ gtPath, dtPath }) => [gtPath, dtPath],
};

interface CocoDatasetContext {
  dir: string;
  annotations: string;
  seed: Record<string, unknown>;
}

/** loadCocoDataset: a mutated instances file whose images are real PNGs beside it (file_name mutations include ../ and absolute paths). */
export const cocoDatasetTarget: FuzzTarget<string, CocoDatasetContext> = {
  name: 'coco-dataset',
  reader: 'loadCocoDataset (detection)',
  async setup(dir) {
    await mkdir(join(dir, 'sub'), { recursive: true });
    const gray = Buffer.from(Array.from({ length: 48 }, (_, i) => i * 5));
    for (const file of ['a.png', 'sub/b.png', 'c.png']) await sharp(gray, { raw: { width: 8, height: 6, channels: 1 } }).png().toFile(join(dir, file));
    return { dir, annotations: join(dir, 'annotations.json'), seed: cocoGroundTruthSeed() };
  },
  // Long arrays of images would only measure decoding speed: kept to hundreds here.
  arbitrary: ({ seed }) => mutatedJson([seed], { hugeLengths: [300] }),
  async run(text, { annotations }) {
    await writeFile(annotations, text);
    const ds = await loadCocoDataset({ annotations, channels: 1 });
    ds.images.dispose();
  },
  names: ({ dir }) => [dir],
};
