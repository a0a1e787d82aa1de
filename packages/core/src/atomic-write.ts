import { open, rename, rm } from 'node:fs/promises';

let counter = 0;

/**
 * Writes a file so that readers see the old content or the new, never a torn one: a temporary
 * file in the same directory, flushed to disk, then renamed over the target.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { midWrite?: () => Promise<void> } = {},
): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  try {
    const handle = await open(tmp, 'w');
    try {
      if (options.midWrite) {
        // Test hook (crash-safety checks): half the bytes are in the temporary file when it runs.
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        const half = Math.floor(bytes.length / 2);
        await handle.writeFile(bytes.subarray(0, half));
        await options.midWrite();
        await handle.writeFile(bytes.subarray(half));
      } else {
        await handle.writeFile(data);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** `writeFileAtomic` of pretty-printed JSON. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
