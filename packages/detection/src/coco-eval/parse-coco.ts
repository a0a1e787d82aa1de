import { FormatError } from '@metricopt/core';
import type { CocoGroundTruth, CocoResult } from './coco-types.js';
import { checkGroundTruth, checkResults, CocoShapeProblem } from './validate-coco.js';

export function parseJson(json: unknown, name: string): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new FormatError(name, `not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

export function asFormatError(err: unknown, name: string): unknown {
  if (!(err instanceof CocoShapeProblem)) return err;
  return new FormatError(name, `${err.path} must be ${err.expected}, got ${err.got}`);
}

/**
 * Checks a COCO instances file (a parsed object or its JSON text) and returns it typed.
 * Throws FormatError naming `name` and the offending entry, e.g. `gt.json: annotations[3].bbox[2] must be a non-negative width, got -4`.
 *
 * @example
 * const gt = parseCocoGroundTruth(await readFile('instances_val.json', 'utf8'), 'instances_val.json');
 */
export function parseCocoGroundTruth(json: unknown, name: string): CocoGroundTruth {
  const value = parseJson(json, name);
  try {
    checkGroundTruth(value, '');
  } catch (err) {
    throw asFormatError(err, name);
  }
  return value as CocoGroundTruth;
}

/**
 * Checks a COCO results file (an array of {image_id, category_id, bbox, score}) and returns it typed.
 * Ids are checked against the ground truth later, by `evaluateCoco`.
 *
 * @example
 * const dt = parseCocoResults('[{"image_id":1,"category_id":3,"bbox":[0,0,10,10],"score":0.9}]', 'dt.json');
 */
export function parseCocoResults(json: unknown, name: string): CocoResult[] {
  const value = parseJson(json, name);
  try {
    checkResults(value, 'results');
  } catch (err) {
    throw asFormatError(err, name);
  }
  return value as CocoResult[];
}
