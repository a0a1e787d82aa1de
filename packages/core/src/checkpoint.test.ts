import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_VERSION, CheckpointStore } from './checkpoint.js';
import { CheckpointError } from './errors.js';

describe('CheckpointStore', () => {
  it('saves atomically (no temp files left) and loads what it saved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(dir);
    expect(await store.load()).toBeNull();
    await store.save({ version: CHECKPOINT_VERSION, step: 3 } as never);
    await store.save({ version: CHECKPOINT_VERSION, step: 4 } as never);
    expect(await store.load()).toEqual({ version: CHECKPOINT_VERSION, step: 4 });
    expect(await readdir(dir)).toEqual(['checkpoint.json']);
  });

  it('refuses a corrupt or foreign-version file instead of ignoring it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeFile(join(dir, 'checkpoint.json'), '{"version": 1, "step": ');
    await expect(new CheckpointStore(dir).load()).rejects.toThrow(/checkpoint.json is not valid JSON/);
    await writeFile(join(dir, 'checkpoint.json'), '{"version": 99}');
    await expect(new CheckpointStore(dir).load()).rejects.toThrow(/version 99, expected 1/);
  });

  it('locks the directory against a second live holder and takes over a stale lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const a = new CheckpointStore(dir);
    await a.lock();
    await expect(new CheckpointStore(dir).lock()).rejects.toBeInstanceOf(CheckpointError);
    await a.unlock();
    // A lock left by a process that no longer exists.
    await writeFile(join(dir, 'checkpoint.lock'), '999999999');
    const b = new CheckpointStore(dir);
    await b.lock();
    await b.unlock();
  });
});
