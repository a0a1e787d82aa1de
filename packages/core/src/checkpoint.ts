import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { CheckpointError } from './errors.js';
import { createLockFile, describeHolder, holderIsAlive, parseHolder, readHolder, type LockHolder } from './checkpoint-lock.js';

const FILE = 'checkpoint.json';
const LOCK = 'checkpoint.lock';
export const CHECKPOINT_VERSION = 1;
/** Test hook for the kill/resume script: every checkpoint write pauses this long halfway through, so a SIGKILL can land inside it. */
export const CHECKPOINT_PAUSE_ENV_VAR = 'METRICOPT_CHECKPOINT_WRITE_PAUSE_MS';
// A checkpoint larger than this is refused before it is read (φ of a few million values stays well below).
const MAX_CHECKPOINT_BYTES = 1 << 30;

/**
 * A run's checkpoint directory: one JSON state written atomically, and a lock so that two
 * processes never interleave their writes in the same directory.
 *
 * ```ts
 * const store = new CheckpointStore('runs/a');
 * await store.lock();                      // CheckpointError when a live process holds it
 * await store.save({ version: CHECKPOINT_VERSION, step: 10 });
 * (await store.load())?.step;              // 10
 * await store.unlock();
 * ```
 */
export class CheckpointStore {
  private locked = false;

  constructor(readonly dir: string) {}

  get path(): string {
    return join(this.dir, FILE);
  }

  get lockPath(): string {
    return join(this.dir, LOCK);
  }

  /**
   * Takes the directory's lock. A live holder is an error naming it; the lock of a process that no
   * longer runs (or whose pid now belongs to another process) is taken over. Leftover temporary
   * files of killed writers are removed once the lock is held.
   */
  async lock(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (let attempt = 0; attempt < 20; attempt++) {
      if (await createLockFile(this.lockPath)) {
        this.locked = true;
        await this.removeLeftovers();
        return;
      }
      const text = await readHolder(this.lockPath);
      if (text === null) continue; // released meanwhile
      const holder = parseHolder(text);
      if (holder !== null && (await holderIsAlive(holder))) throw this.lockedError(holder);
      await this.takeOver(text);
    }
    throw new CheckpointError(`could not take the lock ${this.lockPath}: other processes kept taking it`);
  }

  async unlock(): Promise<void> {
    if (!this.locked) return;
    await rm(this.lockPath, { force: true });
    this.locked = false;
  }

  /** The saved state, or null when there is none. A file that does not parse is an error, never ignored. */
  async load<T extends { version: number }>(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new CheckpointError(`cannot read ${this.path}: ${code ?? (err as Error).message}`, { cause: err });
    }
    if (bytes.length > MAX_CHECKPOINT_BYTES) {
      throw new CheckpointError(`${this.path} holds ${bytes.length} bytes, more than a checkpoint may (${MAX_CHECKPOINT_BYTES})`);
    }
    let state: T;
    try {
      state = JSON.parse(bytes.toString('utf8')) as T;
    } catch (err) {
      throw new CheckpointError(`${this.path} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new CheckpointError(`${this.path} must hold a JSON object, got ${state === null ? 'null' : Array.isArray(state) ? 'an array' : typeof state}`);
    }
    if (state.version !== CHECKPOINT_VERSION) {
      const got = typeof state.version === 'number' ? String(state.version) : typeof state.version;
      throw new CheckpointError(`${this.path} has version ${got}, expected ${CHECKPOINT_VERSION}`);
    }
    // Checkpoints written by this version carry a checksum: a flipped bit anywhere is caught here, not trained on.
    const record = state as unknown as Record<string, unknown>;
    if (Object.hasOwn(record, 'checksum')) {
      const { checksum, ...body } = record;
      let actual: string;
      try {
        actual = checkpointChecksum(body);
      } catch (err) {
        // JSON.parse reads nesting deeper than JSON.stringify can write back (a RangeError): no checkpoint is like that.
        throw new CheckpointError(`${this.path} is corrupt: its content cannot be checked (${(err as Error).message})`, { cause: err });
      }
      if (checksum !== actual) {
        throw new CheckpointError(`${this.path} is corrupt: its checksum does not match its content (a partial or altered file)`);
      }
      return body as unknown as T;
    }
    return state;
  }

  async save(state: { version: number }): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const pauseMs = Number(process.env[CHECKPOINT_PAUSE_ENV_VAR] ?? 0);
    const midWrite =
      pauseMs > 0
        ? async () => {
            process.send?.({ metricoptCheckpointWrite: 'paused', path: this.path });
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
          }
        : undefined;
    const body = state as unknown as Record<string, unknown>;
    await writeFileAtomic(this.path, JSON.stringify({ ...body, checksum: checkpointChecksum(body) }), midWrite ? { midWrite } : {});
  }

  private lockedError(holder: LockHolder): CheckpointError {
    return new CheckpointError(
      `checkpoint directory ${this.dir} is locked by ${describeHolder(holder)}; two runs cannot share a checkpoint directory ` +
        `(lock file ${this.lockPath}, taken over automatically once that process has ended)`,
    );
  }

  /**
   * Removes a stale lock whose content is still `staleText`, under a takeover lock of its own, so
   * that two processes taking over at once cannot remove each other's fresh lock.
   */
  private async takeOver(staleText: string): Promise<void> {
    const mutex = `${this.lockPath}.takeover`;
    if (!(await createLockFile(mutex))) {
      const text = await readHolder(mutex);
      const holder = text === null ? null : parseHolder(text);
      // The takeover lock of a process killed while taking over is stale too; one of the next attempts takes it.
      if (holder === null || !(await holderIsAlive(holder))) await rm(mutex, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 10));
      return;
    }
    try {
      if ((await readHolder(this.lockPath)) === staleText) await rm(this.lockPath, { force: true });
    } finally {
      await rm(mutex, { force: true });
    }
  }

  /** Temporary files of writers killed mid-write (only this holder writes here now). */
  private async removeLeftovers(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith(`${FILE}.tmp-`)) await rm(join(this.dir, name), { force: true });
      const lockTemp = /^checkpoint\.lock(?:\.takeover)?\.(\d+)(?:\.\d+)?\.tmp$/.exec(name);
      if (lockTemp && !(await holderIsAlive({ pid: Number(lockTemp[1]) }))) await rm(join(this.dir, name), { force: true });
    }
  }
}

/** SHA-256 of a checkpoint's JSON text without its checksum field (numbers and key order survive a JSON round trip). */
export function checkpointChecksum(body: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}
