import { resolveInside as resolveInsideRoot } from '@metricopt/core';

/**
 * The absolute path of `name` under `root`, or a FormatError naming `source` and `what` when
 * `name` is not a plain relative path that stays inside `root`: absolute paths, `..` escapes
 * and symbolic links whose target lies outside are refused (core's resolveInside).
 */
export function resolveInside(root: string, name: unknown, source: string, what: string): string {
  return resolveInsideRoot(root, name, `${source}: ${what}`);
}
