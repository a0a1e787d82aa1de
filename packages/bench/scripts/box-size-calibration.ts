// How far a pretrained detector's box sizes are from what COCO mAP rewards, measured: the mAP of the
// cached CenterNet on the bench's pool and test scenes with every predicted box size (w, h, in output
// cells) shifted by a constant or scaled by a factor. The L1 size loss stops where it is; mAP's IoU
// thresholds may prefer other sizes — the misalignment MetricOpt steers the output biases toward
// (docs/results.md, detection).
//
//   pnpm build && node packages/bench/dist/cli.js bench detection --seeds 1 --steps 1   (fills the cache)
//   cd packages/bench && node --import tsx scripts/box-size-calibration.ts --detector DIR --scenes DIR
//
// DIR: the cache's detector-<key>/ and scenes-<key>/ (the bench prints both).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadModel } from '@metricopt/core';
import { cocoDetectionMetric, loadCocoDataset } from '@metricopt/detection';

const { values } = parseArgs({
  options: {
    detector: { type: 'string' },
    scenes: { type: 'string' },
    shifts: { type: 'string', default: '0,0.1,0.2,0.3' },
    scales: { type: 'string', default: '1,1.01,1.02,1.03' },
  },
});
if (!values.detector || !values.scenes) throw new Error('--detector DIR and --scenes DIR are required (the bench cache entries)');
const numbers = (flag: string, list: string) => list.split(',').map((v) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${flag} expects numbers separated by commas, got ${list}`);
  return n;
});
const shifts = numbers('--shifts', values.shifts!);
const scales = numbers('--scales', values.scales!);

await initBackend();
const model = await loadModel(values.detector);
console.log('| split | ' + [...shifts.map((s) => `size + ${s}`), ...scales.map((f) => `size × ${f}`)].join(' | ') + ' |');
console.log('|---|' + '---|'.repeat(shifts.length + scales.length));
for (const split of ['pool', 'test']) {
  const ds = await loadCocoDataset({ annotations: `${values.scenes}/${split}/annotations.json`, imageDir: `${values.scenes}/${split}/images`, channels: 1 });
  const C = ds.categoryIds.length;
  const metric = cocoDetectionMetric({
    gt: ds.gt, imageIds: ds.imageIds, categoryIds: ds.categoryIds, statistic: 'map',
    decode: { numClasses: C, stride: 4, topK: 20, nmsIou: 0.6, scoreThreshold: 0.01 },
  });
  const outputs = tf.tidy(() => model.predict(ds.images) as tf.Tensor);
  const rows = tf.range(0, ds.imageIds.length);
  const cells: string[] = [];
  const withSizes = async (change: (size: tf.Tensor) => tf.Tensor) => {
    const changed = tf.tidy(() => {
      const [heat, size, offset] = tf.split(outputs, [C, 2, 2], 3);
      return tf.concat([heat!, change(size!), offset!], 3);
    });
    cells.push((await metric.evaluate(changed, rows)).toFixed(4));
    changed.dispose();
  };
  for (const s of shifts) await withSizes((size) => tf.add(size, s));
  for (const f of scales) await withSizes((size) => tf.mul(size, f));
  console.log(`| ${split} | ${cells.join(' | ')} |`);
  tf.dispose([outputs, rows, ds.images]);
}
model.dispose();
