import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
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

describe('CheckpointStore crash safety', () => {
  it('catches a flipped bit with its checksum and still reads checkpoints written without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const store = new CheckpointStore(dir);
    await store.save({ version: CHECKPOINT_VERSION, step: 12, phi: [0.5, -1.25] } as never);
    const text = await readFile(store.path, 'utf8');
    expect(JSON.parse(text).checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    await writeFile(store.path, text.replace('"step":12', '"step":13'));
    await expect(store.load()).rejects.toThrow(/checkpoint.json is corrupt: its checksum does not match/);
    await writeFile(store.path, JSON.stringify({ version: CHECKPOINT_VERSION, step: 3 }));
    expect(await store.load()).toEqual({ version: CHECKPOINT_VERSION, step: 3 });
  });

  it('writes its pid and start time into the lock, and removes what killed writers left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeFile(join(dir, 'checkpoint.json.tmp-999999999-3'), '{"version": 1, "st');
    await writeFile(join(dir, 'checkpoint.lock.999999999.tmp'), '{"pid": 999999999}');
    const store = new CheckpointStore(dir);
    await store.lock();
    const holder = JSON.parse(await readFile(store.lockPath, 'utf8')) as { pid: number; host: string };
    expect(holder.pid).toBe(process.pid);
    expect(typeof holder.host).toBe('string');
    expect(await readdir(dir)).toEqual(['checkpoint.lock']);
    await store.unlock();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over a lock that names no process, or a live pid that started at another time (a reused pid)', async () => {
    for (const content of ['garbage', JSON.stringify({ pid: process.pid, host: hostname(), start: '1' })]) {
      const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
      await writeFile(join(dir, 'checkpoint.lock'), content);
      const store = new CheckpointStore(dir);
      await store.lock();
      await store.unlock();
    }
  });

  it('lets exactly one of many concurrent takers have a stale lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await writeFile(join(dir, 'checkpoint.lock'), '999999999');
    const stores = Array.from({ length: 8 }, () => new CheckpointStore(dir));
    const outcomes = await Promise.allSettled(stores.map((s) => s.lock()));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(CheckpointError);
  });
});
