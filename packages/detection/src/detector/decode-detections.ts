import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '@metricopt/core';
import { classwiseNms } from '../boxes/nms.js';

export interface DecodeOptions {
  numClasses: number;
  /** Input pixels per output cell. */
  stride: number;
  /** Peaks kept per image, best first, before NMS (default 100: COCO's maxDets). */
  topK?: number;
  /** Peaks scoring below this are dropped (default 0.01). */
  scoreThreshold?: number;
  /** Class-wise NMS IoU threshold; null turns NMS off (default 0.6). */
  nmsIou?: number | null;
  /** Clip boxes to [0, width] × [0, height] of the input (default: the output grid times the stride). */
  imageSize?: [number, number];
}

/** The detections of one image: boxes as COCO [x, y, width, height] in input pixels, best first. */
export interface Detections {
  boxes: Float32Array;
  scores: Float32Array;
  /** Class indices, 0-based. */
  classes: Int32Array;
}

/**
 * Turns CenterNet outputs [N, H, W, C + 4] into detections per image: heatmap peaks are the cells
 * whose sigmoid score equals the maximum of its 3×3 neighbourhood (the max-pool NMS), the best
 * `topK` over all classes are kept, each becomes the box of its predicted size centred at cell +
 * offset (times the stride), clipped to the image, and class-wise NMS removes duplicates.
 *
 * ```ts
 * const [first] = decodeCenterNet(outputs, { numClasses: 10, stride: 4 });
 * first.boxes.slice(0, 4);   // [x, y, w, h] of the best detection
 * ```
 */
export function decodeCenterNet(outputs: tf.Tensor, options: DecodeOptions): Detections[] {
  const fn = 'decodeCenterNet';
  const C = options?.numClasses;
  if (!Number.isInteger(C) || C < 1) throw new InvalidArgumentError(fn, 'options.numClasses', 'a positive integer', describe(C));
  if (!(outputs instanceof tf.Tensor) || outputs.rank !== 4 || outputs.shape[3] !== C + 4) {
    throw new InvalidArgumentError(fn, 'outputs', `a rank-4 tensor with ${C + 4} channels`, describe(outputs));
  }
  const stride = options.stride;
  if (!(stride > 0)) throw new InvalidArgumentError(fn, 'options.stride', 'a positive number', describe(stride));
  const [N, H, W] = outputs.shape as number[];
  const topK = Math.min(options.topK ?? 100, H! * W! * C);
  if (!Number.isInteger(topK) || topK < 1) throw new InvalidArgumentError(fn, 'options.topK', 'a positive integer', describe(options.topK));
  const threshold = options.scoreThreshold ?? 0.01;
  const nmsIou = options.nmsIou === undefined ? 0.6 : options.nmsIou;
  const [imageH, imageW] = options.imageSize ?? [H! * stride, W! * stride];
  if (N === 0) return [];

  const [scores, indices, regression] = tf.tidy(() => {
    const [logits, reg] = tf.split(outputs, [C, 4], 3);
    const heat = tf.sigmoid(logits!) as tf.Tensor4D;
    const pooled = tf.maxPool(heat, 3, 1, 'same');
    const peaks = tf.mul(heat, tf.cast(tf.equal(heat, pooled), 'float32'));
    const { values, indices: idx } = tf.topk(tf.reshape(peaks, [N!, H! * W! * C]), topK);
    return [values, idx, reg!];
  });
  const s = scores.dataSync() as Float32Array;
  const idx = indices.dataSync() as Int32Array;
  const r = regression.dataSync() as Float32Array;
  tf.dispose([scores, indices, regression]);

  const result: Detections[] = [];
  for (let n = 0; n < N!; n++) {
    const boxes: number[] = [];
    const sc: number[] = [];
    const cls: number[] = [];
    for (let k = 0; k < topK; k++) {
      const score = s[n * topK + k]!;
      if (!(score >= threshold)) break;
      const flat = idx[n * topK + k]!;
      const cell = Math.floor(flat / C);
      const y = Math.floor(cell / W!);
      const x = cell % W!;
      const at = (n * H! * W! + cell) * 4;
      const bw = Math.max(0, r[at]!) * stride;
      const bh = Math.max(0, r[at + 1]!) * stride;
      const cx = (x + r[at + 2]!) * stride;
      const cy = (y + r[at + 3]!) * stride;
      const x0 = Math.min(imageW, Math.max(0, cx - bw / 2));
      const y0 = Math.min(imageH, Math.max(0, cy - bh / 2));
      const x1 = Math.min(imageW, Math.max(0, cx + bw / 2));
      const y1 = Math.min(imageH, Math.max(0, cy + bh / 2));
      boxes.push(x0, y0, x1 - x0, y1 - y0);
      sc.push(score);
      cls.push(flat % C);
    }
    let keep: ArrayLike<number> = Array.from(sc, (_, i) => i);
    if (nmsIou !== null && sc.length > 1) keep = classwiseNms(boxes, sc, cls, { iouThreshold: nmsIou, format: 'xywh' });
    const det: Detections = { boxes: new Float32Array(4 * keep.length), scores: new Float32Array(keep.length), classes: new Int32Array(keep.length) };
    for (let i = 0; i < keep.length; i++) {
      const j = keep[i]!;
      det.boxes.set(boxes.slice(4 * j, 4 * j + 4), 4 * i);
      det.scores[i] = sc[j]!;
      det.classes[i] = cls[j]!;
    }
    result.push(det);
  }
  return result;
}
