import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { CheckpointError } from './errors.js';

const FILE = 'checkpoint.json';
const LOCK = 'checkpoint.lock';
export const CHECKPOINT_VERSION = 1;

/**
 * A run's checkpoint directory: one JSON state written atomically, and a lock so that two
 * processes never interleave their writes in the same directory.
 */
export class CheckpointStore {
  private locked = false;

  constructor(readonly dir: string) {}

  get path(): string {
    return join(this.dir, FILE);
  }

  /** Takes the directory's lock; a live holder is an error, a dead one's stale lock is taken over. */
  async lock(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const lockPath = join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
          throw new CheckpointError(
            `checkpoint directory ${this.dir} is locked by process ${holder}; two runs cannot share a checkpoint directory`,
          );
        }
        await rm(lockPath, { force: true });
      }
    }
    throw new CheckpointError(`could not take the lock of checkpoint directory ${this.dir}`);
  }

  async unlock(): Promise<void> {
    if (!this.locked) return;
    await rm(join(this.dir, LOCK), { force: true });
    this.locked = false;
  }

  /** The saved state, or null when there is none. A file that does not parse is an error, never ignored. */
  async load<T extends { version: number }>(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CheckpointError(`cannot read ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    let state: T;
    try {
      state = JSON.parse(text) as T;
    } catch (err) {
      throw new CheckpointError(`${this.path} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (state?.version !== CHECKPOINT_VERSION) {
      throw new CheckpointError(`${this.path} has version ${String(state?.version)}, expected ${CHECKPOINT_VERSION}`);
    }
    return state;
  }

  async save(state: { version: number }): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.path, JSON.stringify(state));
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
