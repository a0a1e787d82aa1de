import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_PAUSE_ENV_VAR, CheckpointStore, FormatError, canonicalJson, writeFileAtomic } from '@metricopt/core';
import { runRecordSchema, type RunRecord } from './results.js';

const RUNS = 'runs';
const FORMAT = 'metricopt-bench-run';

interface RunFile {
  format: typeof FORMAT;
  version: 1;
  /** The suite's settings: a run file of other settings is not reused. */
  fingerprint: string;
  method: string;
  seed: number;
  record: RunRecord;
}

/**
 * The finished (method, seed) runs of one `metricopt bench <task> --out DIR`, one file each in
 * DIR/runs/, written atomically as each run ends. A rerun with the same settings keeps them and
 * runs only the rest, so a killed bench resumes where it stopped. The directory is locked while
 * a bench runs in it (a second bench on the same DIR is a CheckpointError).
 *
 * ```ts
 * const journal = await RunJournal.open('out/synthetic', { task: 'synthetic', steps: 300 });
 * await journal.get('metricopt', 1);            // null: not run yet
 * await journal.put('metricopt', 1, record);    // out/synthetic/runs/metricopt-seed1.json
 * await journal.close();
 * ```
 */
export class RunJournal {
  private constructor(
    readonly dir: string,
    private readonly fingerprint: string,
    private readonly lock: CheckpointStore,
  ) {}

  static async open(outDir: string, settings: Record<string, unknown>): Promise<RunJournal> {
    const dir = join(outDir, RUNS);
    await mkdir(dir, { recursive: true });
    const lock = new CheckpointStore(dir);
    await lock.lock();
    // Temporary files of a bench killed mid-write (this process holds the lock now).
    for (const name of await readdir(dir)) if (/\.json\.tmp-\d+-\d+$/.test(name)) await rm(join(dir, name), { force: true });
    return new RunJournal(dir, canonicalJson(settings), lock);
  }

  path(method: string, seed: number): string {
    // Method names are registry keys (letters, digits, '+', '-'); anything else is kept out of the file name.
    return join(this.dir, `${method.replace(/[^\w+-]/g, '_')}-seed${seed}.json`);
  }

  /** The finished run's record, or null when it has not finished (or finished under other settings). */
  async get(method: string, seed: number): Promise<RunRecord | null> {
    const path = this.path(method, seed);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new FormatError(path, `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    let file: Partial<RunFile>;
    try {
      file = JSON.parse(text) as Partial<RunFile>;
    } catch (err) {
      throw new FormatError(path, `not valid JSON (${(err as Error).message}); delete it to run this method and seed again`, { cause: err });
    }
    if (typeof file !== 'object' || file === null || file.format !== FORMAT || file.version !== 1) {
      throw new FormatError(path, `not a bench run file (expected format '${FORMAT}', version 1)`);
    }
    if (file.fingerprint !== this.fingerprint) return null;
    if (file.method !== method || file.seed !== seed) {
      throw new FormatError(path, `holds method ${JSON.stringify(file.method)} seed ${String(file.seed)}, expected ${method} seed ${seed}`);
    }
    const parsed = runRecordSchema.safeParse(file.record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FormatError(path, `record.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not a run record'}`);
    }
    return file.record as RunRecord;
  }

  async put(method: string, seed: number, record: RunRecord): Promise<void> {
    const file: RunFile = { format: FORMAT, version: 1, fingerprint: this.fingerprint, method, seed, record };
    const pauseMs = Number(process.env[CHECKPOINT_PAUSE_ENV_VAR] ?? 0);
    // The crash-safety script's hook (as for checkpoints): pause halfway through the write.
    const midWrite = pauseMs > 0
      ? async () => {
          process.send?.({ metricoptCheckpointWrite: 'paused', path: this.path(method, seed) });
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      : undefined;
    await writeFileAtomic(this.path(method, seed), `${JSON.stringify(file)}\n`, midWrite ? { midWrite } : {});
  }

  async close(): Promise<void> {
    await this.lock.unlock();
  }
}

const current = new AsyncLocalStorage<RunJournal>();

/** Runs `fn` with `journal` as the current run journal (none when undefined). */
export function withRunJournal<T>(journal: RunJournal | undefined, fn: () => Promise<T>): Promise<T> {
  return journal === undefined ? fn() : current.run(journal, fn);
}

/** The journal of the bench running in this async context, if it writes to an output directory. */
export function currentRunJournal(): RunJournal | undefined {
  return current.getStore();
}
