import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

let tmpCounter = 0;

/** Who holds a lock: a process id, its host, and (on Linux) its start time, so a reused pid is not mistaken for the holder. */
export interface LockHolder {
  pid: number;
  host?: string;
  start?: string;
}

/**
 * Creates `path` holding this process's identity, atomically: the content is written to a
 * temporary file first and hard-linked into place, so no reader ever sees an empty lock.
 * Resolves to false when the lock exists already.
 */
export async function createLockFile(path: string): Promise<boolean> {
  // The counter keeps two stores of one process from sharing a temporary file.
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
  const me: LockHolder = { pid: process.pid, host: hostname() };
  const start = await processStart(process.pid);
  if (start !== null) me.start = start;
  try {
    await writeFile(tmp, JSON.stringify(me));
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The lock's text, or null when there is no lock file. */
export async function readHolder(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The holder a lock file names (JSON, or a bare pid as older versions wrote), or null when it names none. */
export function parseHolder(text: string): LockHolder | null {
  const bare = text.trim();
  if (/^\d{1,10}$/.test(bare)) return { pid: Number(bare) };
  try {
    const j = JSON.parse(bare) as Partial<LockHolder> | null;
    if (typeof j !== 'object' || j === null || !Number.isInteger(j.pid) || (j.pid as number) <= 0) return null;
    const holder: LockHolder = { pid: j.pid as number };
    if (typeof j.host === 'string') holder.host = j.host;
    if (typeof j.start === 'string') holder.start = j.start;
    return holder;
  } catch {
    return null;
  }
}

/**
 * Whether the holder still runs. A holder on another host cannot be checked and counts as alive;
 * a pid that runs but started at another time than the holder did is another process (pid reuse).
 */
export async function holderIsAlive(holder: LockHolder): Promise<boolean> {
  if (holder.host !== undefined && holder.host !== hostname()) return true;
  if (!Number.isInteger(holder.pid) || holder.pid <= 0 || holder.pid > 0x7fffffff) return false;
  if (holder.pid !== process.pid) {
    try {
      process.kill(holder.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
  }
  if (holder.start === undefined) return true;
  const start = await processStart(holder.pid);
  return start === null || start === holder.start;
}

export function describeHolder(holder: LockHolder): string {
  return `process ${holder.pid}${holder.host !== undefined && holder.host !== hostname() ? ` on host ${holder.host}` : ''}`;
}

/** The process's start time in clock ticks since boot (Linux /proc), or null where it cannot be read. */
async function processStart(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
