import type * as tfl from '@tensorflow/tfjs-layers';
import type { ParamView } from '../param-view.js';
import { layersInOrder } from './model-graph.js';

/** Where a view's boundary sits in its model, so combined views can take the earliest one. */
export interface BoundaryPlace {
  model: tfl.LayersModel;
  /** The boundary layer's index in the model's topological order. */
  rank: number;
}

// ParamView is a shared contract; the place is kept beside it rather than on it.
const places = new WeakMap<ParamView, BoundaryPlace>();

export function recordBoundary(view: ParamView, model: tfl.LayersModel): ParamView {
  if (view.boundary !== null) {
    const rank = layersInOrder(model).findIndex((l) => l.name === view.boundary);
    if (rank >= 0) places.set(view, { model, rank });
  }
  return view;
}

export function boundaryPlace(view: ParamView): BoundaryPlace | undefined {
  return places.get(view);
}

export function setBoundaryPlace(view: ParamView, place: BoundaryPlace): void {
  places.set(view, place);
}
