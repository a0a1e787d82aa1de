import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import type { ParamLayout, ParamSegment } from '../param-view.js';
import type { Rng } from '../rng.js';
import { DenseStack, weightSource } from './dense-stack.js';
import { checkActivation, checkLayout, checkSizes, type Activation, type EncoderWeights, type SetEncoderConfig, type ValueEncoder } from './value-encoder.js';

export interface SetEncoderOptions {
  /** Must have FiLM segments; other segments are ignored (see the class doc). */
  layout: ParamLayout;
  /** Token MLP widths, [γ−1, β, depth] → … (default [16, 16]). */
  tokenHidden?: number[];
  /** Head MLP hidden widths, pooled features → … → 1 (default [32]). */
  headHidden?: number[];
  activation?: Activation;
  /** Draws the initial weights (required unless `weights` is given). */
  rng?: Rng;
  weights?: EncoderWeights;
}

// Module-private: only withLayout makes encoders that share weights.
const SHARED = Symbol('shared set-encoder weights');
type SharedOptions = SetEncoderOptions & { [SHARED]?: { tokenMlp: DenseStack; head: DenseStack } };

/** One FiLM-modulated layer: where its γ and β live in δ. */
export interface FilmGroup {
  layer: string;
  depth: number;
  channels: number;
  scale: ParamSegment | null;
  shift: ParamSegment | null;
}

/**
 * The `set` encoder: every FiLM channel is a token [γ−1, β, depth] (γ−1 = s·δ of the
 * film-scale segment, β = s·δ of the film-shift segment; a missing one reads 0), passed through
 * a token MLP, mean-pooled per layer and then across layers, and an MLP maps the pool to a
 * scalar. Its weights do not depend on the layout, so a trained encoder transfers to any
 * network with FiLM adapters.
 *
 * Choice: non-FiLM segments (head kernel and bias, custom) are ignored — their size and meaning
 * differ across tasks, which would break transfer; the GP models what they change.
 *
 * ```ts
 * const encoder = new SetEncoder({ layout: params.layout, rng: new Rng(1) });
 * encoder.groups.map((g) => g.layer);   // e.g. ['block3', 'block4']
 * ```
 */
export class SetEncoder implements ValueEncoder {
  readonly kind = 'set' as const;
  readonly layout: ParamLayout;
  readonly inputSize: number;
  readonly tokenHidden: number[];
  readonly headHidden: number[];
  readonly activation: Activation;
  readonly groups: FilmGroup[];
  private readonly tokens: number;
  private readonly depthRow: Float32Array;
  private readonly poolWeights: Float32Array;
  private readonly tokenMlp: DenseStack;
  private readonly head: DenseStack;
  /** False for a view made by `withLayout`: the weights belong to the encoder it was made from. */
  private readonly ownsWeights: boolean;

  constructor(options: SetEncoderOptions) {
    this.layout = checkLayout('SetEncoder', 'options.layout', options?.layout);
    this.inputSize = this.layout.size;
    this.tokenHidden = checkSizes('SetEncoder', 'options.tokenHidden', options.tokenHidden ?? [16, 16], false);
    this.headHidden = checkSizes('SetEncoder', 'options.headHidden', options.headHidden ?? [32], true);
    this.activation = checkActivation('SetEncoder', options.activation ?? 'gelu');
    this.groups = filmGroups('SetEncoder', 'options.layout', this.layout);
    this.tokens = this.groups.reduce((s, g) => s + g.channels, 0);
    this.depthRow = new Float32Array(this.tokens);
    this.poolWeights = new Float32Array(this.tokens);
    let t = 0;
    for (const g of this.groups) {
      // Mean over a layer's channels, then over layers: one weighted mean over all tokens.
      this.depthRow.fill(g.depth, t, t + g.channels);
      this.poolWeights.fill(1 / (g.channels * this.groups.length), t, t + g.channels);
      t += g.channels;
    }
    const shared = (options as SharedOptions)[SHARED];
    this.ownsWeights = shared === undefined;
    if (shared !== undefined) {
      this.tokenMlp = shared.tokenMlp;
      this.head = shared.head;
      return;
    }
    const source = weightSource('SetEncoder', options.rng, options.weights);
    this.tokenMlp = new DenseStack('set/token', [3, ...this.tokenHidden], this.activation, source, true);
    try {
      this.head = new DenseStack('set/head', [this.tokenHidden.at(-1)!, ...this.headHidden, 1], this.activation, source, false);
    } catch (err) {
      this.tokenMlp.dispose();
      throw err;
    }
  }

  get variables(): readonly tf.Variable[] {
    return [...this.tokenMlp.variables, ...this.head.variables];
  }

  get weightNames(): readonly string[] {
    return [...this.tokenMlp.names, ...this.head.names];
  }

  apply(x: tf.Tensor2D): tf.Tensor1D {
    const n = x.shape[0];
    const part = (seg: ParamSegment | null, channels: number) =>
      seg === null ? tf.zeros([n, channels]) : tf.mul(tf.slice(x, [0, seg.offset], [n, channels]), seg.scale);
    const join = (parts: tf.Tensor[]) => (parts.length === 1 ? parts[0]! : tf.concat(parts, 1));
    const gamma = join(this.groups.map((g) => part(g.scale, g.channels)));
    const beta = join(this.groups.map((g) => part(g.shift, g.channels)));
    const depth = tf.broadcastTo(tf.tensor2d(this.depthRow, [1, this.tokens]), [n, this.tokens]);
    const tokens = tf.reshape(tf.stack([gamma, beta, depth], 2), [n * this.tokens, 3]) as tf.Tensor2D;
    const width = this.tokenHidden.at(-1)!;
    const features = tf.reshape(this.tokenMlp.apply(tokens), [n, this.tokens, width]);
    const pooled = tf.sum(tf.mul(features, tf.tensor3d(this.poolWeights, [1, this.tokens, 1])), 1) as tf.Tensor2D;
    return tf.reshape(this.head.apply(pooled), [n]);
  }

  getConfig(): SetEncoderConfig {
    return { kind: 'set', tokenHidden: this.tokenHidden.slice(), headHidden: this.headHidden.slice(), activation: this.activation };
  }

  /**
   * The same weights (shared, not copied) reading another FiLM layout: training either trains both,
   * which is how one encoder learns from runs of several architectures (meta-training). The view
   * owns nothing: its `dispose()` frees nothing, and it must not outlive this encoder.
   *
   * ```ts
   * const cnn = encoder.withLayout(cnnParams.layout);   // same weights, 64-channel FiLM of another net
   * ```
   */
  withLayout(layout: ParamLayout): SetEncoder {
    const options: SharedOptions = {
      layout, tokenHidden: this.tokenHidden, headHidden: this.headHidden, activation: this.activation,
      [SHARED]: { tokenMlp: this.tokenMlp, head: this.head },
    };
    return new SetEncoder(options);
  }

  dispose(): void {
    if (!this.ownsWeights) return;
    this.tokenMlp.dispose();
    this.head.dispose();
  }
}


/** The FiLM layers of a layout, grouped by `layer` (by segment name when a segment has none), in order of appearance. */
export function filmGroups(fn: string, arg: string, layout: ParamLayout): FilmGroup[] {
  const byLayer = new Map<string, { scale: ParamSegment | null; shift: ParamSegment | null; depth?: number }>();
  for (const s of layout.segments) {
    if (s.kind !== 'film-scale' && s.kind !== 'film-shift') continue;
    const key = s.layer ?? s.name;
    const g = byLayer.get(key) ?? { scale: null, shift: null };
    const slot = s.kind === 'film-scale' ? 'scale' : 'shift';
    if (g[slot] !== null) {
      throw new InvalidArgumentError(fn, arg, `at most one ${s.kind} segment per layer`, `two for layer '${key}'`);
    }
    g[slot] = s;
    if (g.depth === undefined && s.depth !== undefined) g.depth = s.depth;
    byLayer.set(key, g);
  }
  if (byLayer.size === 0) {
    throw new InvalidArgumentError(fn, arg, 'a layout with FiLM segments (film-scale / film-shift)',
      `segments of kinds ${[...new Set(layout.segments.map((s) => s.kind))].join(', ')}`);
  }
  const groups: FilmGroup[] = [];
  let i = 0;
  for (const [layer, g] of byLayer) {
    i++;
    const channels = (g.scale ?? g.shift)!.size;
    if (g.scale !== null && g.shift !== null && g.scale.size !== g.shift.size) {
      throw new InvalidArgumentError(fn, arg, `film-scale and film-shift of one size for layer '${layer}'`, `${g.scale.size} and ${g.shift.size}`);
    }
    // Without a recorded depth, layers are spread evenly in order of appearance.
    groups.push({ layer, depth: g.depth ?? i / byLayer.size, channels, scale: g.scale, shift: g.shift });
  }
  return groups;
}
