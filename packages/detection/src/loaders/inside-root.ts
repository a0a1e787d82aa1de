import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FormatError } from '@metricopt/core';

/**
 * The absolute path of `name` under `root`, or a FormatError naming `source` when `name` is not a
 * plain relative path that stays inside `root` (absolute paths and `..` escapes are refused).
 */
export function resolveInside(root: string, name: unknown, source: string, what: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new FormatError(source, `${what} must be a non-empty string, got ${JSON.stringify(name)}`);
  if (isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name) || name.includes('\0')) {
    throw new FormatError(source, `${what} must be a path relative to ${root}, got the absolute path ${JSON.stringify(name)}`);
  }
  const base = resolve(root);
  const full = resolve(base, name);
  const rel = relative(base, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new FormatError(source, `${what} ${JSON.stringify(name)} leaves the dataset directory ${base}`);
  }
  return full;
}
