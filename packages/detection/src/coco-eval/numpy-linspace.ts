/**
 * `np.linspace(start, stop, num)` value for value: numpy computes `i * step + start` with
 * `step = (stop - start) / (num - 1)` and sets the last point to `stop`, which is why
 * pycocotools' thresholds hold values such as 0.8999999999999999 and 0.7000000000000001.
 *
 * @example
 * linspace(0.5, 0.95, 10)[8]; // 0.8999999999999999, as numpy
 */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/** pycocotools' IoU thresholds .50:.05:.95 (`np.linspace(.5, .95, 10)`). */
export const COCO_IOU_THRESHOLDS: readonly number[] = Object.freeze(linspace(0.5, 0.95, 10));

/** pycocotools' 101 recall points (`np.linspace(0, 1, 101)`). */
export const COCO_RECALL_THRESHOLDS: readonly number[] = Object.freeze(linspace(0, 1, 101));
