import { InvalidArgumentError, describe } from '../errors.js';
import { ParamView } from '../param-view.js';
import { boundaryPlace, setBoundaryPlace, type BoundaryPlace } from './boundary-order.js';

/**
 * One view over the variables of several (head + FiLM, the prototype's setting). Its boundary
 * is the earliest of theirs; a view with boundary null (custom variables) makes it null. φ₀ is
 * taken afresh: the values when the views are combined.
 *
 * ```ts
 * const view = combineViews(headParams(model), filmAdapters(model, { layers: ['block3'] }));
 * view.boundary;   // 'block3_film'
 * ```
 */
export function combineViews(...views: ParamView[]): ParamView {
  if (views.length === 0 || views.some((v) => !(v instanceof ParamView))) {
    throw new InvalidArgumentError('combineViews', 'views', 'one or more ParamViews', describe(views));
  }
  const seen = new Set<string>();
  for (const v of views) {
    for (const variable of v.variables) {
      if (seen.has(variable.name)) {
        throw new InvalidArgumentError('combineViews', 'views', 'views over distinct variables', `${variable.name} twice`);
      }
      seen.add(variable.name);
    }
  }
  const entries = views.flatMap((v) =>
    v.segments.map((s, i) => {
      const e: ConstructorParameters<typeof ParamView>[0][number] = { variable: v.variables[i]!, kind: s.kind };
      if (s.layer !== undefined) e.layer = s.layer;
      if (s.depth !== undefined) e.depth = s.depth;
      return e;
    }),
  );
  const { boundary, place } = earliest(views);
  const combined = new ParamView(entries, boundary);
  if (place) setBoundaryPlace(combined, place);
  return combined;
}

function earliest(views: ParamView[]): { boundary: string | null; place?: BoundaryPlace } {
  if (views.some((v) => v.boundary === null)) return { boundary: null };
  const distinct = new Set(views.map((v) => v.boundary));
  const places = views.map(boundaryPlace);
  if (distinct.size === 1) return { boundary: views[0]!.boundary, ...(places[0] ? { place: places[0] } : {}) };
  const model = places[0]?.model;
  if (places.some((p) => p === undefined || p.model !== model)) {
    throw new InvalidArgumentError('combineViews', 'views',
      'views of one model made by filmAdapters/headParams (to order their boundaries)',
      `boundaries [${[...distinct].join(', ')}] of unknown order`);
  }
  let best = 0;
  places.forEach((p, i) => {
    if (p!.rank < places[best]!.rank) best = i;
  });
  return { boundary: views[best]!.boundary, place: places[best]! };
}
