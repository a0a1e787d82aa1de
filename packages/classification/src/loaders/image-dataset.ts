import type { LabelledImages } from '@metricopt/data';

/** A train/test image classification dataset in host memory, whatever its on-disk format. */
export interface ImageDataset {
  /** A short name for messages and results ('cifar-10', 'fashion-mnist', the folder's name, …). */
  name: string;
  train: LabelledImages;
  test: LabelledImages;
  numClasses: number;
  /** One name per class, by label. */
  classNames: readonly string[];
  /** The files read. */
  files: readonly string[];
}

/** Class names '0', '1', … for datasets that do not name their classes. */
export function numberedClassNames(count: number): string[] {
  return Array.from({ length: count }, (_, c) => String(c));
}
