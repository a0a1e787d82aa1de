import { readFile } from 'node:fs/promises';
import { FormatError } from '@metricopt/core';
import { resolveCocoParams, type CocoEvalOptions } from './coco-params.js';
import { evaluateIndexed } from './evaluate-coco.js';
import { asFormatError, parseJson } from './parse-coco.js';
import { checkGroundTruth, checkResults, type IndexedGroundTruth, type IndexedResults } from './validate-coco.js';

export interface EvalDetectionArgs {
  /** Path of the COCO instances JSON. */
  gt: string;
  /** Path of the COCO results JSON. */
  dt: string;
  /** Print `{"stats":[...],"perCategory":{...}}` instead of the summary lines. */
  json: boolean;
  options?: CocoEvalOptions;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new FormatError(path, `cannot be read (${(err as Error).message})`, { cause: err });
  }
}

/**
 * `metricopt eval detection --gt GT.json --dt DT.json [--json]`: reads both files, evaluates and
 * returns the text to print (pycocotools' 12 summary lines, or one JSON line).
 *
 * @example
 * console.log(await runEvalDetection({ gt: 'gt.json', dt: 'dt.json', json: true }));
 * // {"stats":[0.5,...],"perCategory":{"1":0.5}}
 */
export async function runEvalDetection(args: EvalDetectionArgs): Promise<string> {
  const [gtText, dtText] = await Promise.all([readText(args.gt), readText(args.dt)]);
  const params = resolveCocoParams(args.options, 'runEvalDetection');
  let gt: IndexedGroundTruth;
  let dt: IndexedResults;
  try {
    gt = checkGroundTruth(parseJson(gtText, args.gt), '');
  } catch (err) {
    throw asFormatError(err, args.gt);
  }
  try {
    // Unknown image or category ids are reported against the results file.
    dt = checkResults(parseJson(dtText, args.dt), 'results', gt);
  } catch (err) {
    throw asFormatError(err, args.dt);
  }
  const result = evaluateIndexed(gt, dt, params);
  if (args.json) return JSON.stringify({ stats: result.stats, perCategory: result.perCategory });
  return result.summary;
}
