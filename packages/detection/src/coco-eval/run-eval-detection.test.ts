import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { runEvalDetection } from './run-eval-detection.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-detection-'));
const write = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
// The 'empty images' case of evaluate-coco.test.ts: image 1 has an object and its exact detection,
// image 2 only a detection (.95, FP), image 3 only an object: AP = 0.5 * 51 / 101, AR = 0.5.
const gt = write('gt.json', {
  images: [{ id: 1 }, { id: 2 }, { id: 3 }],
  categories: [{ id: 7, name: 'thing' }, { id: 9, name: 'absent' }],
  annotations: [
    { id: 1, image_id: 1, category_id: 7, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
    { id: 2, image_id: 3, category_id: 7, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 },
  ],
});
const dt = write('dt.json', [
  { image_id: 1, category_id: 7, bbox: [0, 0, 10, 10], score: 0.9 },
  { image_id: 2, category_id: 7, bbox: [0, 0, 10, 10], score: 0.95 },
]);

describe('runEvalDetection', () => {
  it('prints exactly {"stats":[...],"perCategory":{...}} with --json', async () => {
    const out = await runEvalDetection({ gt, dt, json: true });
    const ap = 25.5 / 101;
    const parsed = JSON.parse(out) as { stats: number[]; perCategory: Record<string, number> };
    expect(Object.keys(parsed)).toEqual(['stats', 'perCategory']);
    expect(parsed.stats).toHaveLength(12);
    expect(parsed.stats[0]).toBeCloseTo(ap, 14);
    expect(parsed.stats.slice(4)).toEqual([-1, -1, 0.5, 0.5, 0.5, 0.5, -1, -1]);
    expect(parsed.perCategory['9']).toBe(-1);
    expect(out).toBe(JSON.stringify({ stats: parsed.stats, perCategory: parsed.perCategory }));
  });

  it("prints pycocotools' summary lines otherwise", async () => {
    const out = await runEvalDetection({ gt, dt, json: false });
    const lines = out.split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.252');
    expect(lines[11]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area= large | maxDets=100 ] = -1.000');
  });

  it('names the file in its errors', async () => {
    const broken = write('broken.json', '{"images": [');
    await expect(runEvalDetection({ gt: broken, dt, json: true })).rejects.toThrow(FormatError);
    await expect(runEvalDetection({ gt: broken, dt, json: true })).rejects.toThrow(/broken\.json: not valid JSON/);
    const negative = write('negative.json', [{ image_id: 1, category_id: 7, bbox: [0, 0, 10, -2], score: 0.5 }]);
    await expect(runEvalDetection({ gt, dt: negative, json: true })).rejects.toThrow(/negative\.json: results\[0\]\.bbox\[3\] must be a non-negative height, got -2/);
    const unknown = write('unknown.json', [{ image_id: 4, category_id: 7, bbox: [0, 0, 10, 2], score: 0.5 }]);
    await expect(runEvalDetection({ gt, dt: unknown, json: true })).rejects.toThrow(/unknown\.json: results\[0\]\.image_id must be the id of an image of the ground truth, got 4/);
    await expect(runEvalDetection({ gt: join(dir, 'missing.json'), dt, json: true })).rejects.toThrow(/missing\.json: cannot be read/);
  });
});
