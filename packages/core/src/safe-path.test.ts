import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { resolveInside } from './safe-path.js';

// tmp/root/{a.txt, sub/b.txt, in-link -> sub, out-link -> ../outside, out-file -> ../outside/secret.txt, sub/relative-out,
// dangling-out, loop-a <-> loop-b}, tmp/outside/secret.txt
const tmp = mkdtempSync(join(tmpdir(), 'safe-path-'));
const root = join(tmp, 'root');
mkdirSync(join(root, 'sub'), { recursive: true });
mkdirSync(join(tmp, 'outside'));
writeFileSync(join(root, 'a.txt'), 'a');
writeFileSync(join(root, 'sub', 'b.txt'), 'b');
writeFileSync(join(tmp, 'outside', 'secret.txt'), 's');
symlinkSync(join(root, 'sub'), join(root, 'in-link'));
symlinkSync(join(tmp, 'outside'), join(root, 'out-link'));
symlinkSync(join(tmp, 'outside', 'secret.txt'), join(root, 'out-file'));
symlinkSync('../../outside/secret.txt', join(root, 'sub', 'relative-out'));
symlinkSync('../outside/not-yet.json', join(root, 'dangling-out'));
symlinkSync('loop-b', join(root, 'loop-a'));
symlinkSync('loop-a', join(root, 'loop-b'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const escapes = (rel: unknown): string => {
  try {
    resolveInside(root, rel, 'list.txt: line 3');
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^list\.txt: line 3: /);
    return (err as Error).message;
  }
  throw new Error(`${String(rel)} was accepted`);
};

describe('resolveInside', () => {
  it('returns the lexical path of files and not-yet-existing paths inside the root', () => {
    expect(resolveInside(root, 'a.txt', 'x')).toBe(join(root, 'a.txt'));
    expect(resolveInside(root, './sub/../sub/b.txt', 'x')).toBe(join(root, 'sub', 'b.txt'));
    expect(resolveInside(root, 'new/dir/file.json', 'x')).toBe(join(root, 'new', 'dir', 'file.json'));
    // A symlink whose target stays inside the root is followed.
    expect(resolveInside(root, 'in-link/b.txt', 'x')).toBe(join(root, 'in-link', 'b.txt'));
    expect(resolveInside(`${root}/sub/..`, 'a.txt', 'x')).toBe(join(root, 'a.txt'));
  });

  it('refuses ../ escapes, including ones that come back in through the parent', () => {
    expect(escapes('../outside/secret.txt')).toContain('leaves the directory');
    expect(escapes('sub/../../outside/secret.txt')).toContain('leaves the directory');
    expect(escapes(`../${'root'}/a.txt/../../outside`)).toContain('leaves the directory');
    expect(escapes('..')).toContain('leaves the directory');
    // The root itself is not a file inside it.
    expect(escapes('.')).toContain('leaves the directory');
    expect(escapes('sub/..')).toContain('leaves the directory');
  });

  it('refuses absolute paths (POSIX, Windows drive and UNC), empty names, NUL bytes and non-strings', () => {
    expect(escapes(join(tmp, 'outside', 'secret.txt'))).toContain('absolute path');
    expect(escapes(resolve(root, 'a.txt'))).toContain('absolute path');
    expect(escapes('C:\\Windows\\win.ini')).toContain('absolute path');
    expect(escapes('c:relative')).toContain('absolute path');
    expect(escapes('\\\\host\\share')).toContain('absolute path');
    expect(escapes('')).toContain('non-empty relative path');
    expect(escapes(undefined)).toContain('got undefined');
    expect(escapes(42)).toContain('got 42');
    expect(escapes('a\0.txt')).toContain('NUL');
  });

  it('refuses symbolic links that point outside the root: a linked directory, a linked file, a relative link', () => {
    expect(escapes('out-link/secret.txt')).toContain('symbolic link');
    expect(escapes('out-link')).toContain('symbolic link');
    expect(escapes('out-file')).toContain('symbolic link');
    expect(escapes('sub/relative-out')).toContain('symbolic link');
    // Paths that do not exist yet below an outside link are refused too (a write would land outside).
    expect(escapes('out-link/new/file.json')).toContain('symbolic link');
    // A dangling link is followed by hand: writing through it would create its outside target.
    expect(escapes('dangling-out')).toContain('symbolic link');
    expect(escapes('loop-a')).toContain('loop of symbolic links');
  });

  it('accepts a root that is itself a symlink, judged by its target', () => {
    const linkedRoot = join(tmp, 'root-link');
    symlinkSync(root, linkedRoot);
    expect(resolveInside(linkedRoot, 'sub/b.txt', 'x')).toBe(join(linkedRoot, 'sub', 'b.txt'));
    expect(() => resolveInside(linkedRoot, 'out-link/secret.txt', 'x')).toThrow(FormatError);
  });
});
