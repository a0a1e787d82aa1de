import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FormatError, describe } from './errors.js';

/**
 * The path of `relativePath` under `root`, refused unless it stays inside `root` both as written
 * and on disk: an empty or absolute path (POSIX `/x`, Windows `C:\x` or `\\host`), a NUL byte, a
 * `..` that climbs out, or a symbolic link (anywhere along the path, the file itself included)
 * whose target lies outside `root` is a FormatError naming `what` (the input the path came from,
 * e.g. `instances.json: images[3].file_name`). Parts of the path that do not exist yet are
 * checked as written, so it also guards files about to be written. Returns the lexical path
 * (`resolve(root, relativePath)`), not the symlink-resolved one.
 *
 * ```ts
 * resolveInside('/data/coco', 'val/0001.jpg', 'gt.json: images[0].file_name');   // '/data/coco/val/0001.jpg'
 * resolveInside('/data/coco', '../etc/passwd', 'gt.json: images[1].file_name');  // throws FormatError
 * ```
 */
export function resolveInside(root: string, relativePath: unknown, what: string): string {
  if (typeof relativePath !== 'string' || relativePath.length === 0) {
    throw new FormatError(what, `must be a non-empty relative path, got ${typeof relativePath === 'string' ? '""' : describe(relativePath)}`);
  }
  if (relativePath.includes('\0')) throw new FormatError(what, `must not contain a NUL byte, got ${shortJson(relativePath)}`);
  if (isAbsolute(relativePath) || /^[a-zA-Z]:/.test(relativePath) || relativePath.startsWith('\\\\')) {
    throw new FormatError(what, `must be a path relative to ${root}, got the absolute path ${shortJson(relativePath)}`);
  }
  const base = resolve(root);
  const full = resolve(base, relativePath);
  if (!isWithin(base, full, false)) throw new FormatError(what, `${shortJson(relativePath)} leaves the directory ${base}`);
  // A symlink inside the root may point anywhere: compare where both really are on disk.
  const realBase = realExisting(base, what);
  const realFull = realExisting(full, what);
  if (!isWithin(realBase, realFull, true)) {
    throw new FormatError(what, `${shortJson(relativePath)} leads through a symbolic link to ${realFull}, outside the directory ${base}`);
  }
  return full;
}

/** Whether `full` lies under `base` (or is `base` itself, when `allowSame`). */
function isWithin(base: string, full: string, allowSame: boolean): boolean {
  const rel = relative(base, full);
  if (rel === '') return allowSame;
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of `path`: symlinks resolved up to the deepest part that exists, the rest
 * appended as written. A dangling link is followed by hand (a write through it would create its
 * target), up to 40 links, as the kernel does.
 */
function realExisting(path: string, what: string, hops = 0): string {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      const real = realpathSync.native(at);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOOP' || hops > 40) throw new FormatError(what, `${path} leads into a loop of symbolic links`);
      const link = readLinkOrNull(at);
      if (link !== null) {
        const target = resolve(dirname(at), link);
        return realExisting(missing.length === 0 ? target : join(target, ...missing.reverse()), what, hops + 1);
      }
      const parent = dirname(at);
      // The filesystem root always exists; reaching it means realpath failed for another reason.
      if (parent === at) return path;
      missing.push(basename(at));
      at = parent;
    }
  }
}

function readLinkOrNull(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null;
  } catch {
    return null;
  }
}

function shortJson(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}
