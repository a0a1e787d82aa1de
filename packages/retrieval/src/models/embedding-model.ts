import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ParamView, combineViews, describe, filmAdapters, headParams } from '@metricopt/core';
import { smallCnn, smallResNet, type Backbone } from '@metricopt/core/backbones';
import { L2Normalize } from './l2-normalize.js';

/** The backbones an embedding model can have (core's, with their FiLM points). */
export const EMBEDDING_ARCHITECTURES = ['small-cnn', 'small-resnet'] as const;
export type EmbeddingArchitecture = (typeof EMBEDDING_ARCHITECTURES)[number];

export interface EmbeddingModelOptions {
  /** [height, width, channels]. */
  inputShape: number[];
  /** Embedding width D (default 64). */
  dim?: number;
  /** Default: `small-cnn` for one channel, `small-resnet` for more. */
  architecture?: EmbeddingArchitecture;
  /** Seeds every initialiser (default 0). */
  seed?: number;
  /** small-cnn: filters of its two convolutions (default [16, 32]) and feature width (default 64). */
  filters?: [number, number];
  units?: number;
  /** small-resnet: one residual block per width (default [16, 32, 64]). */
  widths?: number[];
}

/**
 * An embedding model: one of core's backbones (FiLM points kept), a linear projection to D
 * (`projection`, a Dense layer: what headParams finds) and L2 normalisation (`l2_normalize`), so
 * outputs are unit vectors ready for cosine retrieval.
 *
 * ```ts
 * const model = buildEmbeddingModel({ inputShape: [32, 32, 1], dim: 64, seed: 1 });
 * model.outputs[0].shape;                          // [null, 64]
 * model.getUserDefinedMetadata();                  // { filmPoints: ['block1_film', 'block2_film', 'block3_film'], embeddingDim: 64 }
 * ```
 */
export function buildEmbeddingModel(options: EmbeddingModelOptions): tfl.LayersModel {
  const fn = 'buildEmbeddingModel';
  const { inputShape } = options ?? ({} as EmbeddingModelOptions);
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArgumentError(fn, 'inputShape', '[height, width, channels] of positive integers', describe(inputShape));
  }
  const dim = options.dim ?? 64;
  if (!Number.isInteger(dim) || dim < 2) throw new InvalidArgumentError(fn, 'dim', 'an integer ≥ 2', describe(dim));
  const architecture = options.architecture ?? (inputShape[2] === 1 ? 'small-cnn' : 'small-resnet');
  const seed = options.seed ?? 0;
  let backbone: Backbone;
  if (architecture === 'small-cnn') {
    backbone = smallCnn({ inputShape, seed, ...(options.filters ? { filters: options.filters } : {}), ...(options.units ? { units: options.units } : {}) });
  } else if (architecture === 'small-resnet') {
    backbone = smallResNet({ inputShape, seed, ...(options.widths ? { widths: options.widths } : {}) });
  } else {
    throw new InvalidArgumentError(fn, 'architecture', `one of ${EMBEDDING_ARCHITECTURES.join(', ')}`, describe(architecture));
  }
  const projection = tfl.layers.dense({
    name: 'projection',
    units: dim,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
  });
  let x = projection.apply(backbone.model.outputs[0]!) as tfl.SymbolicTensor;
  x = new L2Normalize({ name: 'l2_normalize' }).apply(x) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: backbone.model.inputs, outputs: x, name: `${backbone.model.name}_embedding` });
  model.setUserDefinedMetadata({ filmPoints: backbone.filmPoints, embeddingDim: dim });
  return model;
}

/** The FiLM points of an embedding model, shallow to deep (from its metadata, else by class). */
export function embeddingFilmPoints(model: tfl.LayersModel): string[] {
  const meta = model.getUserDefinedMetadata() as { filmPoints?: unknown } | undefined;
  if (Array.isArray(meta?.filmPoints)) return meta.filmPoints.filter((p) => model.layers.some((l) => l.name === p)) as string[];
  return model.layers.filter((l) => l.getClassName() === 'FiLM').map((l) => l.name);
}

/** Which FiLM layers join the projection in φ: the last one (default), none, or these names. */
export type EmbeddingFilm = 'last' | 'none' | readonly string[];

/**
 * φ of an embedding model (or of its head after cutEmbeddingModel): the projection's kernel and
 * bias plus the FiLM adapters `film` picks (by default the last feature layer's). The boundary is
 * the first of them: everything below is frozen. With `boundary: false` the view has none, so
 * finetune runs the whole model on its inputs: for a grouped head (cutEmbeddingModel) whose
 * inputs already are the cached features.
 *
 * ```ts
 * const params = embeddingParams(model);   // projection 64·64 + 64, block3_film 2·64
 * params.size;       // 4288
 * params.boundary;   // 'block3_film'
 * ```
 */
export function embeddingParams(model: tfl.LayersModel, film: EmbeddingFilm = 'last', options: { boundary?: boolean } = {}): ParamView {
  const fn = 'embeddingParams';
  const head = headParams(model, { layer: 'projection' });
  const points = embeddingFilmPoints(model);
  let names: string[];
  if (film === 'none') names = [];
  else if (film === 'last') {
    if (points.length === 0) throw new InvalidArgumentError(fn, 'film', "'none' for a model without FiLM layers", "'last'");
    names = [points[points.length - 1]!];
  } else if (Array.isArray(film) && film.length > 0) {
    names = film.map((n) => {
      const point = points.includes(n) ? n : `${n}_film`;
      if (!points.includes(point)) throw new InvalidArgumentError(fn, 'film', `FiLM points of the model [${points.join(', ')}]`, JSON.stringify(n));
      return point;
    });
  } else {
    throw new InvalidArgumentError(fn, 'film', "'last', 'none' or FiLM layer names", describe(film));
  }
  const view = names.length === 0 ? head : combineViews(head, filmAdapters(model, { layers: names }));
  if (options.boundary !== false) return view;
  const entries = view.segments.map((s, i) => ({
    variable: view.variables[i]!,
    kind: s.kind,
    ...(s.layer === undefined ? {} : { layer: s.layer }),
    ...(s.depth === undefined ? {} : { depth: s.depth }),
  }));
  return new ParamView(entries, null);
}
