import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { decodePixels, type DecodeImageOptions } from '@metricopt/data';
import { HUGE_U32, mutatedBytes } from '../byte-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

interface ImageContext {
  seeds: Uint8Array[];
  path: string;
}

interface ImageInput {
  bytes: Uint8Array;
  viaPath: boolean;
  options: Pick<DecodeImageOptions, 'channels' | 'resize'>;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A PNG whose IHDR declares `width` × `height`, with the chunk's CRC recomputed so the decoder
 * believes it: a "huge declared size" that survives the checksum.
 */
export function withPngSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  if (bytes.length < 33 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return bytes;
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  view.setUint32(16, width >>> 0);
  view.setUint32(20, height >>> 0);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/** Image decoding with sharp (PNG, JPEG, WebP, GIF, TIFF seeds): decodePixels on bytes and on a file. */
export const imageTarget: FuzzTarget<ImageInput, ImageContext> = {
  name: 'image',
  reader: 'decodePixels (data, sharp)',
  async setup(dir) {
    const pixels = (w: number, h: number, c: 1 | 3 | 4) => sharp(Buffer.from(Array.from({ length: w * h * c }, (_, i) => (i * 37) % 256)), { raw: { width: w, height: h, channels: c } });
    const seeds = await Promise.all([
      pixels(5, 4, 1).png().toBuffer(),
      pixels(6, 3, 3).png().toBuffer(),
      pixels(4, 4, 4).png().toBuffer(),
      pixels(8, 8, 3).jpeg({ quality: 90 }).toBuffer(),
      pixels(9, 7, 1).jpeg().toBuffer(),
      pixels(6, 5, 3).webp().toBuffer(),
      pixels(5, 5, 3).gif().toBuffer(),
      pixels(4, 3, 3).tiff().toBuffer(),
    ]);
    return { seeds: seeds.map((b) => new Uint8Array(b)), path: join(dir, 'fuzz-image') };
  },
  arbitrary: ({ seeds }) => {
    const size = fc.oneof(fc.constantFrom(...HUGE_U32), fc.integer({ min: 1, max: 70_000 }));
    const bytes = fc.oneof(
      { weight: 4, arbitrary: mutatedBytes(seeds, 64) },
      { weight: 1, arbitrary: fc.tuple(mutatedBytes(seeds.slice(0, 3), 64), size, size).map(([b, w, h]) => withPngSize(b, w, h)) },
    );
    const options = fc.record(
      { channels: fc.constantFrom(1 as const, 3 as const), resize: fc.record({ width: fc.integer({ min: 1, max: 16 }), height: fc.integer({ min: 1, max: 16 }), fit: fc.constantFrom('cover' as const, 'contain' as const, 'fill' as const) }) },
      { requiredKeys: ['channels'] },
    );
    return fc.record({ bytes, viaPath: fc.boolean(), options });
  },
  async run({ bytes, viaPath, options }, { path }) {
    if (!viaPath) {
      await decodePixels(bytes, { ...options, name: path });
      return;
    }
    await writeFile(path, bytes);
    await decodePixels(path, options);
  },
  names: ({ path }) => [path],
};
