// Times evaluateCoco on a seeded COCO-sized workload: 200 images, 4,000 detections, ~10 gts per image, 20 categories.
// Usage: node --import tsx bench/coco-eval-speed.ts [repeats]
// pycocotools (evaluate + accumulate + summarize) takes 0.47 s on this workload on the development machine.
import { Rng } from '@metricopt/core';
import { evaluateCoco } from '../src/coco-eval/evaluate-coco.js';
import { makeSyntheticCoco } from './synthetic-coco.js';

const repeats = Number(process.argv[2] ?? 20);
const { gt, dt } = makeSyntheticCoco(new Rng(42), {
  images: 200, categories: 20, gtsPerImage: 10, detections: 4000, crowdRate: 0.02,
});
const crowds = gt.annotations.filter((a) => a.iscrowd === 1).length;
console.log(`workload: ${gt.images.length} images, ${gt.annotations.length} gts (${crowds} crowd), ${dt.length} detections, ${gt.categories.length} categories`);

for (let i = 0; i < 5; i++) evaluateCoco(gt, dt); // warm-up: let V8 optimise the hot loops
const times: number[] = [];
let ap = 0;
for (let i = 0; i < repeats; i++) {
  const t0 = performance.now();
  ap = evaluateCoco(gt, dt).stats[0]!;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(`evaluateCoco: median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms over ${repeats} runs (AP ${ap.toFixed(3)})`);
console.log(`vs pycocotools 470 ms: ${(470 / median).toFixed(0)}x faster`);
