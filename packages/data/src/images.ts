import { stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import sharp, { type OutputInfo } from 'sharp';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { describe } from '@metricopt/core';

/** 1 = grayscale, 3 = RGB. An alpha channel is dropped. */
export type ImageChannels = 1 | 3;

/** How an image is brought to width × height: `cover` crops (sharp's default), `contain` pads with black, `fill` stretches. */
export type ResizeFit = 'cover' | 'contain' | 'fill';

export interface DecodeImageOptions {
  /** Output channels (default 3): grayscale images are replicated to RGB, colour ones converted to luminance. */
  channels?: ImageChannels;
  /** Resize to exactly width × height pixels (default: keep the image's size). */
  resize?: { width: number; height: number; fit?: ResizeFit };
  /** After scaling to [0, 1]: (x − mean) / std, per channel (one number or one per channel). */
  normalize?: { mean: number | readonly number[]; std: number | readonly number[] };
  /** What errors call a byte input (default 'image bytes'); a path names itself. */
  name?: string;
}

/** A decoded image in host memory: float32 [height, width, channels], row-major. */
export interface DecodedImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: ImageChannels;
}

/**
 * Decodes a PNG or JPEG (a path or its bytes) with sharp into float32 pixels in [0, 1] (then
 * normalised if asked). A corrupt, truncated or unreadable image is a FormatError naming it, and
 * so is one whose header declares more pixels than its size can hold (4,096 per byte, at least
 * 2048×2048 always allowed).
 *
 * ```ts
 * const img = await decodePixels('cat.jpg', { channels: 3, resize: { width: 32, height: 32 } });
 * // { data: Float32Array(3072), height: 32, width: 32, channels: 3 }
 * ```
 */
export async function decodePixels(input: string | Uint8Array, options: DecodeImageOptions = {}): Promise<DecodedImage> {
  const fn = 'decodePixels';
  const channels = checkChannels(fn, options.channels);
  const resize = checkResize(fn, options.resize);
  const norm = checkNormalize(fn, options.normalize, channels);
  const name = typeof input === 'string' ? input : (options.name ?? 'image bytes');
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new InvalidArgumentError(fn, 'input', 'a file path or a Uint8Array of image bytes', describe(input));
  }
  const limitInputPixels = await pixelLimit(input);
  let raw: { data: Buffer; info: OutputInfo };
  try {
    let pipeline = sharp(input, { failOn: 'warning', limitInputPixels });
    if (resize !== undefined) {
      pipeline = pipeline.resize(resize.width, resize.height, { fit: resize.fit, background: { r: 0, g: 0, b: 0 } });
    }
    pipeline = pipeline.removeAlpha().toColourspace(channels === 1 ? 'b-w' : 'srgb');
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new FormatError(name, `cannot be decoded as an image (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, { cause: err });
  }
  const { width, height } = raw.info;
  if (raw.info.channels !== channels || raw.data.length !== width * height * channels) {
    throw new FormatError(name, `decoded to ${raw.info.channels} channels and ${raw.data.length} bytes, expected ${channels} channels of ${width}x${height}`);
  }
  const data = new Float32Array(raw.data.length);
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    data[i] = (raw.data[i]! / 255 - norm.mean[c]!) / norm.std[c]!;
  }
  return { data, height, width, channels };
}

/** Below this many pixels any header is believed; a 2048×2048 image. */
const MIN_PIXEL_LIMIT = 2 ** 22;
/** No image codec packs more pixels into one byte (deflate's ceiling is 1,032 bytes per byte). */
const MAX_PIXELS_PER_BYTE = 4096;

/**
 * How many pixels the header of `input` may declare: checked against the file's size before sharp
 * allocates anything, so a corrupt or hostile header cannot ask for gigabytes.
 */
async function pixelLimit(input: string | Uint8Array): Promise<number> {
  let bytes = typeof input === 'string' ? 0 : input.length;
  if (typeof input === 'string') {
    // An unreadable file is left to sharp, whose error names it.
    bytes = await stat(input).then((s) => s.size, () => 0);
  }
  return Math.max(MIN_PIXEL_LIMIT, bytes * MAX_PIXELS_PER_BYTE);
}

/** Like decodePixels, as a float32 tensor [height, width, channels] (the caller disposes it). */
export async function decodeImage(input: string | Uint8Array, options: DecodeImageOptions = {}): Promise<tf.Tensor3D> {
  const img = await decodePixels(input, options);
  return tf.tensor3d(img.data, [img.height, img.width, img.channels], 'float32');
}

export interface LoadImagesOptions extends DecodeImageOptions {
  /** 'throw' (default) stops at the first bad file; 'skip' leaves it out and lists it in `skipped`. */
  onError?: 'throw' | 'skip';
  /** Images decoded at once (default 4). */
  concurrency?: number;
}

export interface SkippedImage {
  path: string;
  /** Its position in the `paths` passed in. */
  index: number;
  reason: string;
}

export interface LoadedImages {
  /** float32 [N, H, W, C], one row per loaded file, in the order of `paths` (the caller disposes it). */
  images: tf.Tensor4D;
  /** The loaded files, row for row. */
  paths: string[];
  /** Each row's position in the `paths` passed in, so labels can be aligned. */
  indices: number[];
  /** The files left out with `onError: 'skip'`, in order; `skipped.length` is their count. */
  skipped: SkippedImage[];
}

/**
 * Decodes many images into one batch [N, H, W, C]. Every image must come out the same size:
 * pass `resize`, or an image of another size counts as a bad file (a FormatError, or skipped).
 *
 * ```ts
 * const { images, indices, skipped } = await loadImages(paths, { channels: 1, resize: { width: 28, height: 28 }, onError: 'skip' });
 * const labels = indices.map((i) => allLabels[i]);
 * console.log(`${skipped.length} unreadable files`, skipped.map((s) => s.path));
 * ```
 */
export async function loadImages(paths: readonly string[], options: LoadImagesOptions = {}): Promise<LoadedImages> {
  const fn = 'loadImages';
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
    throw new InvalidArgumentError(fn, 'paths', 'an array of file paths', describe(paths));
  }
  const onError = options.onError ?? 'throw';
  if (onError !== 'throw' && onError !== 'skip') throw new InvalidArgumentError(fn, 'onError', "'throw' or 'skip'", describe(onError));
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(fn, 'concurrency', 'a positive integer', describe(concurrency));
  const channels = checkChannels(fn, options.channels);
  checkResize(fn, options.resize);
  checkNormalize(fn, options.normalize, channels);

  const decoded: Array<DecodedImage | Error> = new Array(paths.length);
  let next = 0;
  let stop = false;
  const fatal = (err: unknown) => !(err instanceof FormatError) || onError === 'throw';
  const worker = async (): Promise<void> => {
    while (next < paths.length && !stop) {
      const i = next++;
      try {
        decoded[i] = await decodePixels(paths[i]!, options);
      } catch (err) {
        decoded[i] = err as Error;
        if (fatal(err)) stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  // Files start in order, so the first fatal error by position is the first bad file whatever finished first.
  const failure = decoded.find((d) => d instanceof Error && fatal(d));
  if (failure !== undefined) throw failure;

  const size = options.resize ?? firstSize(decoded);
  const loaded: DecodedImage[] = [];
  const result: Omit<LoadedImages, 'images'> = { paths: [], indices: [], skipped: [] };
  decoded.forEach((img, i) => {
    let problem = img instanceof Error ? img : undefined;
    if (!(img instanceof Error) && (img.width !== size?.width || img.height !== size.height)) {
      problem = new FormatError(paths[i]!, `is ${img.width}x${img.height}, the batch is ${size?.width}x${size?.height}; pass 'resize' to load images of different sizes`);
      if (onError === 'throw') throw problem;
    }
    if (problem !== undefined) {
      result.skipped.push({ path: paths[i]!, index: i, reason: problem.message });
    } else {
      loaded.push(img as DecodedImage);
      result.paths.push(paths[i]!);
      result.indices.push(i);
    }
  });
  const h = size?.height ?? 0;
  const w = size?.width ?? 0;
  const pixels = h * w * channels;
  const batch = new Float32Array(loaded.length * pixels);
  loaded.forEach((img, row) => batch.set(img.data, row * pixels));
  return { images: tf.tensor4d(batch, [loaded.length, h, w, channels], 'float32'), ...result };
}

function firstSize(decoded: Array<DecodedImage | Error>): { width: number; height: number } | undefined {
  const first = decoded.find((d): d is DecodedImage => !(d instanceof Error));
  return first === undefined ? undefined : { width: first.width, height: first.height };
}

function checkChannels(fn: string, channels: unknown): ImageChannels {
  if (channels === undefined) return 3;
  if (channels !== 1 && channels !== 3) throw new InvalidArgumentError(fn, 'options.channels', '1 (grayscale) or 3 (RGB)', describe(channels));
  return channels;
}

function checkResize(fn: string, resize: DecodeImageOptions['resize']): Required<NonNullable<DecodeImageOptions['resize']>> | undefined {
  if (resize === undefined) return undefined;
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (!ok(resize?.width) || !ok(resize?.height)) {
    throw new InvalidArgumentError(fn, 'options.resize', '{ width, height } of positive integers', JSON.stringify(resize));
  }
  const fit = resize.fit ?? 'cover';
  if (fit !== 'cover' && fit !== 'contain' && fit !== 'fill') {
    throw new InvalidArgumentError(fn, 'options.resize.fit', "one of 'cover', 'contain', 'fill'", describe(fit));
  }
  return { width: resize.width, height: resize.height, fit };
}

function checkNormalize(fn: string, normalize: DecodeImageOptions['normalize'], channels: number): { mean: number[]; std: number[] } {
  if (normalize === undefined) return { mean: new Array(channels).fill(0), std: new Array(channels).fill(1) };
  const perChannel = (v: number | readonly number[] | undefined, what: string, valid: (x: number) => boolean): number[] => {
    const list = typeof v === 'number' ? new Array<number>(channels).fill(v) : Array.isArray(v) ? [...v] : [];
    if (list.length !== channels || !list.every((x) => typeof x === 'number' && valid(x))) {
      throw new InvalidArgumentError(fn, `options.normalize.${what}`, `a number or ${channels} numbers (${what === 'std' ? 'positive' : 'finite'})`, describe(v));
    }
    return list;
  };
  return {
    mean: perChannel(normalize?.mean, 'mean', Number.isFinite),
    std: perChannel(normalize?.std, 'std', (x) => Number.isFinite(x) && x > 0),
  };
}
