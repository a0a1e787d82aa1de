import type { LabelledImages } from '@metricopt/data';

/** The datasets the retrieval benchmark knows, by `--dataset` name. */
export const RETRIEVAL_DATASETS = ['glyphs', 'fashion-mnist', 'cub', 'cars', 'sop'] as const;
export type RetrievalDatasetName = (typeof RETRIEVAL_DATASETS)[number];

/**
 * A labelled image set ready for the retrieval protocol: uint8 images (row-major, [N, H, W] or
 * [N, H, W, C]) with class labels, the dataset's own test classes where it has a convention, and
 * a group per image where images come in groups (the glyphs' font faces).
 */
export interface RetrievalDataset {
  name: string;
  images: LabelledImages;
  /** The conventional unseen classes (CUB 101–200, Cars196 99–196, SOP's Ebay_test classes, Fashion-MNIST 5–9); null: the protocol draws them. */
  testClasses: number[] | null;
  /** A group per image (glyphs: its font face), so the metric split's twin can come from other groups; null: none. */
  groups: Int32Array | null;
  /** What a report should say about the data (files, fonts, counts). */
  info: Record<string, unknown>;
}
