import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '../errors.js';

export type Trunk = (x: tf.Tensor) => tf.Tensor;

/** A batch of samples and their targets. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** A split's trunk features and targets, row for row. */
export interface CachedFeatures {
  features: tf.Tensor;
  y: tf.Tensor;
}

export interface CacheOptions {
  /** Rows the trunk sees at once (default 256): bounds the memory of its intermediate tensors. */
  batchSize?: number;
  /** Dispose each batch of an async source once it is read (default false: the source owns them). */
  disposeBatches?: boolean;
}

/**
 * Runs the frozen trunk once over a split, `batchSize` rows at a time, and keeps the result: the
 * features that training steps and metric observations reuse. For a tensor it returns the
 * features (the caller owns them); for an async iterable of `{x, y}` batches it reads them one by
 * one and resolves to `{features, y}`.
 *
 * ```ts
 * const features = cacheFeatures(split.trunk, images, { batchSize: 512 });   // shape [n, ...featureShape]
 * const cached = await cacheFeatures(split.trunk, loader.batches(), {});      // { features, y }
 * ```
 */
export function cacheFeatures(trunk: Trunk, x: tf.Tensor, options?: CacheOptions): tf.Tensor;
export function cacheFeatures(trunk: Trunk, source: AsyncIterable<Batch>, options?: CacheOptions): Promise<CachedFeatures>;
export function cacheFeatures(
  trunk: Trunk,
  source: tf.Tensor | AsyncIterable<Batch>,
  options: CacheOptions = {},
): tf.Tensor | Promise<CachedFeatures> {
  if (typeof trunk !== 'function') {
    throw new InvalidArgumentError('cacheFeatures', 'trunk', 'a function from tensor to tensor', describe(trunk));
  }
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new InvalidArgumentError('cacheFeatures', 'batchSize', 'a positive integer', describe(batchSize));
  }
  if (source instanceof tf.Tensor) return featuresOf(trunk, source, batchSize);
  if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    return featuresOfBatches(trunk, source, batchSize, options.disposeBatches ?? false);
  }
  throw new InvalidArgumentError('cacheFeatures', 'source', 'a tf.Tensor or an async iterable of {x, y} batches',
    describe(source));
}

function featuresOf(trunk: Trunk, x: tf.Tensor, batchSize: number): tf.Tensor {
  const n = x.shape[0];
  if (x.rank === 0 || n === undefined || n === 0) {
    throw new InvalidArgumentError('cacheFeatures', 'x', 'a tensor with at least one row', describe(x));
  }
  if (n <= batchSize) {
    const f = tf.tidy(() => trunk(x));
    // An identity trunk hands back x itself, which the caller owns: the cache keeps a copy.
    return f === x ? x.clone() : f;
  }
  // Chunks are concatenated as they come so only one chunk's intermediates live at a time.
  const chunks: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      chunks.push(tf.tidy(() => trunk(tf.slice(x, start, size))));
    }
    return tf.concat(chunks);
  } finally {
    tf.dispose(chunks);
  }
}

async function featuresOfBatches(
  trunk: Trunk,
  source: AsyncIterable<Batch>,
  batchSize: number,
  disposeBatches: boolean,
): Promise<CachedFeatures> {
  const features: tf.Tensor[] = [];
  const ys: tf.Tensor[] = [];
  try {
    for await (const batch of source) {
      try {
        if (!batch || !(batch.x instanceof tf.Tensor) || !(batch.y instanceof tf.Tensor)) {
          throw new InvalidArgumentError('cacheFeatures', 'source', 'batches {x, y} of tensors', describe(batch));
        }
        if (batch.x.shape[0] !== batch.y.shape[0]) {
          throw new InvalidArgumentError('cacheFeatures', 'source', 'batches whose x and y have the same number of rows',
            `x ${describe(batch.x)} and y ${describe(batch.y)}`);
        }
        features.push(featuresOf(trunk, batch.x, batchSize));
        ys.push(batch.y.clone());
      } finally {
        if (disposeBatches && batch) tf.dispose([batch.x, batch.y]);
      }
    }
    if (features.length === 0) {
      throw new InvalidArgumentError('cacheFeatures', 'source', 'at least one batch', 'an empty iterable');
    }
    return { features: tf.concat(features), y: tf.concat(ys) };
  } finally {
    tf.dispose([...features, ...ys]);
  }
}

/**
 * Cached trunk features per split ('train', 'metric', …), owned until `dispose()`.
 * Adding a split again (a new epoch of augmented data) replaces and disposes the old features.
 *
 * ```ts
 * const cache = new FeatureCache(split.trunk, { batchSize: 512 });
 * await cache.add('train', trainBatches);
 * cache.get('train').features.shape;   // [n, 64]
 * cache.dispose();
 * ```
 */
export class FeatureCache {
  private readonly entries = new Map<string, CachedFeatures>();

  constructor(
    private readonly trunk: Trunk,
    private readonly options: CacheOptions = {},
  ) {
    if (typeof trunk !== 'function') {
      throw new InvalidArgumentError('FeatureCache', 'trunk', 'a function from tensor to tensor', describe(trunk));
    }
  }

  /** Caches a split from `{x, y}` tensors (copied, the caller keeps them) or an async iterable of batches. */
  async add(split: string, source: Batch | AsyncIterable<Batch>): Promise<CachedFeatures> {
    let cached: CachedFeatures;
    if (source !== null && typeof source === 'object' && 'x' in source && source.x instanceof tf.Tensor) {
      const { x, y } = source;
      if (!(y instanceof tf.Tensor) || y.shape[0] !== x.shape[0]) {
        throw new InvalidArgumentError('FeatureCache.add', 'source.y', `a tensor with ${x.shape[0]} rows`, describe(y));
      }
      cached = { features: cacheFeatures(this.trunk, x, this.options), y: y.clone() };
    } else {
      cached = await cacheFeatures(this.trunk, source as AsyncIterable<Batch>, this.options);
    }
    this.delete(split);
    this.entries.set(split, cached);
    return cached;
  }

  has(split: string): boolean {
    return this.entries.has(split);
  }

  get(split: string): CachedFeatures {
    const entry = this.entries.get(split);
    if (entry === undefined) {
      throw new InvalidArgumentError('FeatureCache.get', 'split', `one of the cached splits [${this.splits.join(', ')}]`,
        describe(split));
    }
    return entry;
  }

  get splits(): string[] {
    return [...this.entries.keys()];
  }

  /** Drops one split's features. */
  delete(split: string): void {
    const entry = this.entries.get(split);
    if (entry) tf.dispose([entry.features, entry.y]);
    this.entries.delete(split);
  }

  dispose(): void {
    for (const split of this.splits) this.delete(split);
  }
}
