import { SEGMENT_KINDS } from '@metricopt/core';
import { UsageError } from './bench-config.js';

/** A positive integer (the commonest check on a task option). */
export const isPositiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;

/** The CLI flag of a task option's key: `pretrainEpochs` → `pretrain-epochs`. */
export function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Readers of a task's parsed options (`config.options`) that check each value and name the flag
 * when it is wrong; an absent option reads as undefined, so `?? default` keeps the default.
 *
 * ```ts
 * const { num, ints } = optionValues({ lr: 0.01, filters: ['16', '32'] });
 * num('lr', (v) => v > 0, 'a positive number');   // 0.01
 * ints('filters', 2);                              // [16, 32]
 * num('steps', isPositiveInt, 'a positive integer'); // undefined
 * ```
 */
export function optionValues(options: Readonly<Record<string, unknown>>): {
  num: (key: string, check: (v: number) => boolean, expected: string) => number | undefined;
  ints: (key: string, length?: number) => number[] | undefined;
} {
  return {
    num: (key, check, expected) => {
      const v = options[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !check(v)) throw new UsageError(`--${flagOf(key)} expects ${expected}, got ${String(v)}`);
      return v;
    },
    ints: (key, length) => {
      const v = options[key];
      if (v === undefined) return undefined;
      const values = (v as string[]).map(Number);
      if (values.length === 0 || (length !== undefined && values.length !== length) || !values.every(isPositiveInt)) {
        throw new UsageError(`--${flagOf(key)} expects ${length ?? 'one or more'} positive integers separated by commas, got ${String(v)}`);
      }
      return values;
    },
  };
}

// The kinds a task's φ (FiLM + head) has; `custom` segments are a library user's own.
const STEER_KINDS = SEGMENT_KINDS.filter((k) => k !== 'custom');

/**
 * The `--steer` option: the parts of φ the rounds perturb and V / ES steer — segment kinds (`film` for both FiLM
 * kinds) or FiLM layer names from `filmLayers` — or `all` (null: the whole of φ). Absent: undefined.
 *
 * ```ts
 * steerOption(['film', 'head-bias'], []);   // ['film-scale', 'film-shift', 'head-bias']
 * steerOption(['all'], []);                 // null
 * ```
 */
export function steerOption(value: unknown, filmLayers: readonly string[]): string[] | null | undefined {
  if (value === undefined) return undefined;
  const given = value as string[];
  if (given.length === 1 && given[0] === 'all') return null;
  const parts = given.flatMap((k) => (k === 'film' ? ['film-scale', 'film-shift'] : [k]));
  const known = [...STEER_KINDS, ...filmLayers];
  if (parts.length === 0 || parts.some((k) => !known.includes(k))) {
    const layers = filmLayers.length > 0 ? ` or FiLM layers (${filmLayers.join(', ')})` : '';
    throw new UsageError(`--steer expects all, kinds (film, ${STEER_KINDS.join(', ')})${layers}, got ${String(value)}`);
  }
  return [...new Set(parts)];
}
