import { Rng } from '@metricopt/core';
import type { CocoAnnotation, CocoGroundTruth, CocoResult, XywhBox } from '../src/coco-eval/coco-types.js';

export interface SyntheticCocoOptions {
  images: number;
  categories: number;
  /** Mean ground truths per image. */
  gtsPerImage: number;
  /** Total detections to emit (matches, near misses and false positives). */
  detections: number;
  /** Fraction of ground truths that are crowd regions. */
  crowdRate: number;
  /**
   * Stress the corner cases: integer boxes (IoU ties and IoU exactly at thresholds), scores
   * rounded to one decimal (score ties), areas exactly 32² and 96², `ignore` flags, a gt with id 0,
   * images without ground truth and one image with more than 100 detections.
   */
  corners?: boolean;
}

/**
 * A seeded COCO-like ground truth and detection list: ~gtsPerImage objects per 640×480 image with
 * log-uniform sizes (8 to 300 px), areas below the box area as segmentation areas are, and detections
 * that jitter the truth, duplicate it, swap its class or land anywhere.
 */
export function makeSyntheticCoco(rng: Rng, o: SyntheticCocoOptions): { gt: CocoGroundTruth; dt: CocoResult[] } {
  const W = 640, H = 480;
  const round = (v: number): number => (o.corners ? Math.round(v) : Math.round(v * 100) / 100);
  const images = Array.from({ length: o.images }, (_, i) => ({ id: i + 1, width: W, height: H, file_name: `${i + 1}.png` }));
  const categories = Array.from({ length: o.categories }, (_, i) => ({ id: i + 1, name: `class-${i + 1}` }));
  const annotations: CocoAnnotation[] = [];
  const randomBox = (): XywhBox => {
    const w = Math.exp(Math.log(8) + rng.next() * (Math.log(300) - Math.log(8)));
    const h = w * Math.exp((rng.next() - 0.5) * 0.8);
    return [round(rng.next() * (W - w)), round(rng.next() * Math.max(1, H - h)), Math.max(1, round(w)), Math.max(1, round(h))];
  };
  for (const img of images) {
    if (o.corners && img.id % 7 === 0) continue;
    const n = Math.max(0, Math.round(o.gtsPerImage + (rng.next() - 0.5) * o.gtsPerImage));
    for (let j = 0; j < n; j++) {
      const bbox = randomBox();
      const crowd = rng.next() < o.crowdRate;
      let area = round(bbox[2] * bbox[3] * (0.55 + 0.4 * rng.next()));
      if (o.corners && rng.next() < 0.1) area = rng.next() < 0.5 ? 32 ** 2 : 96 ** 2;
      const ann: CocoAnnotation = {
        id: annotations.length + 1, image_id: img.id, category_id: 1 + rng.int(o.categories), bbox, area, iscrowd: crowd ? 1 : 0,
      };
      if (o.corners && rng.next() < 0.05) ann.ignore = 1;
      annotations.push(ann);
    }
  }
  if (o.corners && annotations.length > 0) annotations[0]!.id = 0;
  const score = (base: number): number => {
    const s = Math.min(1, Math.max(0, base + (rng.next() - 0.5) * 0.3));
    return o.corners ? Math.round(s * 10) / 10 : s;
  };
  const dt: CocoResult[] = [];
  const jitter = (box: readonly number[], amount: number): XywhBox => {
    const b = box as XywhBox;
    const dx = (rng.next() - 0.5) * amount * b[2], dy = (rng.next() - 0.5) * amount * b[3];
    const sw = Math.exp((rng.next() - 0.5) * amount), sh = Math.exp((rng.next() - 0.5) * amount);
    return [round(b[0] + dx), round(b[1] + dy), Math.max(1, round(b[2] * sw)), Math.max(1, round(b[3] * sh))];
  };
  if (o.corners && images.length > 1) {
    // One image with more detections than maxDets=100 keeps, on top of `detections`.
    for (let j = 0; j < 105; j++) dt.push({ image_id: 2, category_id: 1 + rng.int(o.categories), bbox: randomBox(), score: score(0.5) });
  }
  const total = dt.length + o.detections;
  while (dt.length < total) {
    const r = rng.next();
    const ann = annotations[rng.int(Math.max(1, annotations.length))];
    if (ann !== undefined && r < 0.6) dt.push({ image_id: ann.image_id, category_id: ann.category_id, bbox: jitter(ann.bbox, 0.3), score: score(0.7) });
    else if (ann !== undefined && r < 0.7) dt.push({ image_id: ann.image_id, category_id: ann.category_id, bbox: o.corners ? [...ann.bbox] : jitter(ann.bbox, 0.05), score: score(0.5) });
    else if (ann !== undefined && r < 0.8) dt.push({ image_id: ann.image_id, category_id: 1 + rng.int(o.categories), bbox: jitter(ann.bbox, 0.2), score: score(0.4) });
    else dt.push({ image_id: 1 + rng.int(o.images), category_id: 1 + rng.int(o.categories), bbox: randomBox(), score: score(0.3) });
  }
  return { gt: { info: { description: 'synthetic' }, images, annotations, categories }, dt };
}
