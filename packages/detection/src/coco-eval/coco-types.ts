/** An image or category id: COCO files use integers; strings are accepted when every id of a kind is a string. */
export type CocoId = number | string;

/** A box as COCO stores it: [x, y, width, height]. */
export type XywhBox = [number, number, number, number];

export interface CocoImage {
  id: CocoId;
  [key: string]: unknown;
}

export interface CocoCategory {
  id: CocoId;
  name?: string;
  [key: string]: unknown;
}

/** A ground-truth annotation (only the fields the bbox evaluator reads). */
export interface CocoAnnotation {
  /** Numeric, unique; pycocotools records matches by this id. */
  id: number;
  image_id: CocoId;
  category_id: CocoId;
  /** [x, y, width, height] */
  bbox: number[];
  /** Object area used for the small/medium/large ranges; w·h when absent (pycocotools would fail). */
  area?: number;
  iscrowd?: number | boolean;
  /** Read only with `fixes.ignoreFlag` (pycocotools overwrites it with `iscrowd`). */
  ignore?: number | boolean;
  /** Pascal VOC 'difficult' flag, read by `evaluateVoc`. */
  difficult?: number | boolean;
  [key: string]: unknown;
}

/** A COCO instances file: images, annotations and categories. */
export interface CocoGroundTruth {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  [key: string]: unknown;
}

/** One detection of a COCO results file. */
export interface CocoResult {
  image_id: CocoId;
  category_id: CocoId;
  /** [x, y, width, height] */
  bbox: number[];
  score: number;
  [key: string]: unknown;
}
