import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, combineViews, describe, filmAdapters, headParams, type ParamView } from '@metricopt/core';
import { filmPointsOf } from './classifier.js';

/** Which FiLM layers are adapted with the head: the last one (default), none, or these names. */
export type FilmChoice = 'last' | 'none' | readonly string[];

/** The FiLM layer names `film` picks among the model's FiLM points. */
export function chooseFilm(model: tfl.LayersModel, film: FilmChoice = 'last'): string[] {
  const points = filmPointsOf(model);
  if (film === 'none') return [];
  if (film === 'last') {
    if (points.length === 0) throw new InvalidArgumentError('chooseFilm', 'film', "'none' for a model without FiLM layers", "'last'");
    return [points[points.length - 1]!];
  }
  if (!Array.isArray(film) || film.length === 0) throw new InvalidArgumentError('chooseFilm', 'film', "'last', 'none' or FiLM layer names", describe(film));
  return film.map((name) => {
    const point = points.includes(name) ? name : `${name}_film`;
    if (!points.includes(point)) {
      throw new InvalidArgumentError('chooseFilm', 'film', `FiLM points of the model [${points.join(', ')}] (or the layers they follow)`, JSON.stringify(name));
    }
    return point;
  });
}

/**
 * φ of a classifier: the head's kernel and bias, plus the FiLM adapters `film` picks (METHOD.md
 * §1; the prototype's 778 values for the small CNN: 10·64 + 10 + 2·64).
 *
 * ```ts
 * const params = classifierParams(model);   // head + block3_film
 * params.size;       // 778
 * params.boundary;   // 'block3_film'
 * ```
 */
export function classifierParams(model: tfl.LayersModel, film: FilmChoice = 'last'): ParamView {
  const names = chooseFilm(model, film);
  const head = headParams(model);
  return names.length === 0 ? head : combineViews(head, filmAdapters(model, { layers: names }));
}
