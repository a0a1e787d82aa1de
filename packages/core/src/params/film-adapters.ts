import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import { ParamView, type SegmentKind } from '../param-view.js';
import { recordBoundary } from './boundary-order.js';
import { filmLayers, filmVariables, isFilmLayer } from './film-layer.js';
import { layersInOrder, nodesFor } from './model-graph.js';

export { headParams } from './head-params.js';
export { customParams } from './custom-params.js';
export { combineViews } from './combine-views.js';

/**
 * The FiLM adapters of the named layers as a parameter view: each name is a FiLM layer, or a
 * layer followed by a FiLM layer named `${name}_film`. Segments come in topological order, γ then
 * β per layer, each tagged with the layer it modulates and that layer's relative depth. The
 * boundary is the first adapter: everything below it is frozen.
 *
 * ```ts
 * const { model } = smallResNet({ seed: 1 });
 * const view = filmAdapters(model, { layers: ['block2', 'block3'] });
 * view.size;       // 2·32 + 2·64 = 192
 * view.boundary;   // 'block2_film'
 * ```
 */
export function filmAdapters(model: tfl.LayersModel, options: { layers: string[] }): ParamView {
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidArgumentError('filmAdapters', 'model', 'a tf.LayersModel', describe(model));
  }
  const names = options?.layers;
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
    throw new InvalidArgumentError('filmAdapters', 'layers', 'a non-empty list of layer names', describe(names));
  }
  const ordered = layersInOrder(model);
  const byName = new Map(ordered.map((l) => [l.name, l]));
  const chosen = new Set<tfl.layers.Layer>();
  for (const name of names) {
    const direct = byName.get(name);
    const film = direct && isFilmLayer(direct) ? direct : byName.get(`${name}_film`);
    if (film === undefined || !isFilmLayer(film)) {
      const known = filmLayers(model);
      throw new InvalidArgumentError('filmAdapters', 'layers',
        `FiLM layers or layers followed by one; the model's FiLM layers are [${known.join(', ')}]`, JSON.stringify(name));
    }
    chosen.add(film);
  }
  const all = model.layers;
  const entries: { variable: tf.Variable; kind: SegmentKind; layer: string; depth: number }[] = [];
  for (const film of ordered.filter((l) => chosen.has(l))) {
    const target = modulatedLayer(model, film);
    const index = all.indexOf(target) >= 0 ? all.indexOf(target) : all.indexOf(film);
    const depth = (Math.max(0, index) + 1) / all.length;
    const { scale, shift } = filmVariables(film);
    entries.push({ variable: scale, kind: 'film-scale', layer: target.name, depth });
    entries.push({ variable: shift, kind: 'film-shift', layer: target.name, depth });
  }
  const boundary = ordered.find((l) => chosen.has(l))!.name;
  return recordBoundary(new ParamView(entries, boundary), model);
}

/** The layer whose output a FiLM layer modulates: the one feeding it in this model. */
function modulatedLayer(model: tfl.LayersModel, film: tfl.layers.Layer): tfl.layers.Layer {
  const node = nodesFor(model.outputs).nodes.find((n) => n.outboundLayer === film);
  return node?.inboundLayers[0] ?? film;
}
