import { FormatError, describe } from '../errors.js';

/**
 * Checks a parsed ValueFunction state (what `getState` returns, after a JSON round trip) field by
 * field, so that `setState` never meets a value it cannot use: the first problem is a FormatError
 * naming `source` and the field. With `dim`, every round's points must have that many coordinates.
 *
 * ```ts
 * checkValueFunctionState(JSON.parse(text), 'run/value.json', { dim: 43 });
 * ```
 */
export function checkValueFunctionState(json: unknown, source: string, options: { dim?: number } = {}): void {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new FormatError(source, `'${field}' must be ${expected}, got ${describe(got)}`);
  };
  const obj = (field: string, v: unknown): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
    return v as Record<string, unknown>;
  };
  // float32: points and weights become Float32Arrays, where a larger finite double is ±Infinity.
  const finiteArray = (field: string, v: unknown, length?: number, float32 = false): number[] => {
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) fail(field, `an array of ${length ?? 'any number of'} finite numbers`, v);
    const a = v as unknown[];
    const bound = float32 ? 3.4028234663852886e38 : Number.MAX_VALUE;
    for (let i = 0; i < a.length; i++) {
      if (typeof a[i] !== 'number' || !(Math.abs(a[i] as number) <= bound)) fail(`${field}[${i}]`, float32 ? 'a finite float32 number' : 'a finite number', a[i]);
    }
    return a as number[];
  };
  const s = json as Record<string, unknown>;
  if (typeof s !== 'object' || s === null || Array.isArray(s) || s.format !== 'metricopt-value-function' || s.version !== 1 || !Array.isArray(s.rounds)) {
    const what = typeof s !== 'object' || s === null || Array.isArray(s) ? describe(s) : `format ${describe(s.format)}, version ${describe(s.version)}, rounds ${describe(s.rounds)}`;
    throw new FormatError(source, `expected {format: 'metricopt-value-function', version: 1, rounds, trust, global}, got ${what}`);
  }
  let dim = options.dim;
  (s.rounds as unknown[]).forEach((value, i) => {
    const at = `rounds[${i}]`;
    const r = obj(at, value);
    for (const k of ['round', 'step']) if (!Number.isInteger(r[k])) fail(`${at}.${k}`, 'an integer', r[k]);
    if (typeof r.wholeSplit !== 'boolean') fail(`${at}.wholeSplit`, 'a boolean', r.wholeSplit);
    if (!Array.isArray(r.deltas) || r.deltas.length === 0) fail(`${at}.deltas`, 'a non-empty array of points', r.deltas);
    const deltas = r.deltas as unknown[];
    deltas.forEach((d, j) => {
      const point = finiteArray(`${at}.deltas[${j}]`, d, dim, true);
      dim ??= point.length;
    });
    finiteArray(`${at}.metrics`, r.metrics, deltas.length);
    finiteArray(`${at}.scores`, r.scores, deltas.length);
  });
  const trust = obj('trust', s.trust);
  for (const k of ['ema', 'ref']) if (typeof trust[k] !== 'number' || !Number.isFinite(trust[k])) fail(`trust.${k}`, 'a finite number', trust[k]);
  if (!Number.isInteger(trust.warmupRounds) || (trust.warmupRounds as number) < 0) fail('trust.warmupRounds', 'an integer >= 0', trust.warmupRounds);
  if (s.global !== null && s.global !== undefined) {
    const g = obj('global', s.global);
    if (typeof g.calibration !== 'number' || !Number.isFinite(g.calibration)) fail('global.calibration', 'a finite number', g.calibration);
    if (g.inputScale !== null && !(typeof g.inputScale === 'number' && g.inputScale > 0 && Number.isFinite(g.inputScale))) {
      fail('global.inputScale', 'null or a positive finite number', g.inputScale);
    }
    const weights = obj('global.weights', g.weights);
    for (const [name, w] of Object.entries(weights)) finiteArray(`global.weights.${name}`, w, undefined, true);
    const rng = obj('global.rng', g.rng);
    const words = finiteArray('global.rng.s', rng.s, 4);
    if (!words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || words.every((w) => w === 0)) {
      fail('global.rng.s', 'four 32-bit unsigned integers, not all 0', rng.s);
    }
    if (rng.spare !== null && rng.spare !== undefined && !(typeof rng.spare === 'number' && Math.abs(rng.spare) <= 10)) {
      fail('global.rng.spare', 'null or a normal deviate (|x| ≤ 10)', rng.spare);
    }
  }
  if (s.slopes !== undefined) {
    if (!Array.isArray(s.slopes) || s.slopes.length !== (s.rounds as unknown[]).length) fail('slopes', 'an array with one entry per round', s.slopes);
    let count: number | undefined;
    (s.slopes as unknown[]).forEach((entry, i) => {
      if (entry === null) return;
      // Every round has one slope per surrogate: the same number each round, at least one.
      if (!Array.isArray(entry) || entry.length === 0 || (count !== undefined && entry.length !== count)) {
        fail(`slopes[${i}]`, `null or an array of ${count ?? 'one or more'} slopes`, entry);
      }
      count = (entry as unknown[]).length;
      (entry as unknown[]).forEach((slope, k) => finiteArray(`slopes[${i}][${k}]`, slope, dim));
    });
  }
}
