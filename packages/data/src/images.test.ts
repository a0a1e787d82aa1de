import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { decodeImage, decodePixels, loadImages } from './images.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metricopt-images-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes raw pixels (row-major, `channels` per pixel) as a PNG or JPEG and returns its path. */
async function writeImage(name: string, pixels: number[], width: number, height: number, channels: 1 | 3 | 4): Promise<string> {
  const path = join(dir, name);
  const img = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  await (name.endsWith('.jpg') ? img.jpeg({ quality: 100, chromaSubsampling: '4:4:4' }) : img.png()).toFile(path);
  return path;
}

const gray = [0, 51, 102, 153, 204, 255]; // 3 wide, 2 high
const rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]; // 2 x 2

describe('decodePixels', () => {
  it('decodes a grayscale PNG to [0, 1] exactly', async () => {
    const path = await writeImage('gray.png', gray, 3, 2, 1);
    const img = await decodePixels(path, { channels: 1 });
    expect({ h: img.height, w: img.width, c: img.channels }).toEqual({ h: 2, w: 3, c: 1 });
    expect(Array.from(img.data)).toEqual(gray.map((v) => Math.fround(v / 255)));
  });

  it('decodes an RGB PNG exactly and replicates grayscale to RGB', async () => {
    const rgbPath = await writeImage('rgb.png', rgb, 2, 2, 3);
    expect(Array.from((await decodePixels(rgbPath)).data)).toEqual(rgb.map((v) => Math.fround(v / 255)));
    const grayPath = await writeImage('gray-for-rgb.png', gray, 3, 2, 1);
    const asRgb = await decodePixels(grayPath, { channels: 3 });
    expect(asRgb.channels).toBe(3);
    expect(Array.from(asRgb.data)).toEqual(gray.flatMap((v) => [v, v, v]).map((v) => Math.fround(v / 255)));
  });

  it('drops an alpha channel and keeps the colour values', async () => {
    const rgba = [255, 0, 0, 255, 0, 255, 0, 10, 0, 0, 255, 0, 10, 20, 30, 128];
    const path = await writeImage('rgba.png', rgba, 2, 2, 4);
    const img = await decodePixels(path);
    expect(Array.from(img.data)).toEqual(rgb.map((v) => Math.fround(v / 255)));
  });

  it('decodes a JPEG of flat 8x8 colour blocks to within 2/255', async () => {
    const colours = [[200, 30, 60], [20, 180, 90]];
    const pixels: number[] = [];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) pixels.push(...colours[x < 8 ? 0 : 1]!);
    const path = await writeImage('blocks.jpg', pixels, 16, 8, 3);
    const img = await decodePixels(path);
    expect([img.height, img.width, img.channels]).toEqual([8, 16, 3]);
    img.data.forEach((v, i) => expect(Math.abs(v - pixels[i]! / 255)).toBeLessThan(2 / 255 + 1e-6));
  });

  it('resizes: fill and cover keep a uniform image uniform, contain pads with black', async () => {
    const path = await writeImage('white-4x2.png', new Array(8).fill(255), 4, 2, 1);
    for (const fit of ['fill', 'cover'] as const) {
      const img = await decodePixels(path, { channels: 1, resize: { width: 2, height: 3, fit } });
      expect([img.height, img.width]).toEqual([3, 2]);
      img.data.forEach((v) => expect(v).toBeCloseTo(1, 2));
    }
    const padded = await decodePixels(path, { channels: 1, resize: { width: 4, height: 4, fit: 'contain' } });
    expect(Array.from(padded.data).map((v) => Math.round(v))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('normalises per channel after scaling to [0, 1]', async () => {
    const path = await writeImage('rgb-norm.png', rgb, 2, 2, 3);
    const mean = [0.5, 0.25, 0];
    const std = [0.5, 2, 0.1];
    const img = await decodePixels(path, { normalize: { mean, std } });
    const expected = rgb.map((v, i) => (v / 255 - mean[i % 3]!) / std[i % 3]!);
    img.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('decodes bytes as well as paths', async () => {
    const bytes = await sharp(Buffer.from(gray), { raw: { width: 3, height: 2, channels: 1 } }).png().toBuffer();
    expect(Array.from((await decodePixels(new Uint8Array(bytes), { channels: 1 })).data)).toEqual(gray.map((v) => Math.fround(v / 255)));
  });

  it('a corrupt, truncated or missing image is a FormatError naming it', async () => {
    const junk = join(dir, 'junk.png');
    await writeFile(junk, 'this is not an image');
    const good = await sharp(Buffer.from(new Array(64 * 3).fill(7)), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
    const truncated = join(dir, 'truncated.png');
    await writeFile(truncated, good.subarray(0, good.length - 20));
    for (const path of [junk, truncated, join(dir, 'missing.jpg')]) {
      const err = await decodePixels(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toMatch(new RegExp(`^${path}: cannot be decoded as an image`));
    }
    await expect(decodePixels(new Uint8Array([1, 2, 3]), { name: 'upload #3' })).rejects.toThrow(/^upload #3: /);
  });

  it('refuses a header that declares more pixels than the file can hold, before decoding', async () => {
    // A valid 1x1 PNG whose IHDR (CRC fixed up) then claims 30000x30000: 900M pixels in ~70 bytes.
    const png = Buffer.from(await sharp(Buffer.from([9]), { raw: { width: 1, height: 1, channels: 1 } }).png().toBuffer());
    png.writeUInt32BE(30000, 16);
    png.writeUInt32BE(30000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    const err = await decodePixels(png, { name: 'huge.png' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^huge\.png: cannot be decoded as an image \(.*pixel limit/);
    // The limit grows with the file: 4,096 pixels per byte, never below 2048x2048.
    png.writeUInt32BE(2048, 16);
    png.writeUInt32BE(2048, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    await expect(decodePixels(png, { name: 'lying.png' })).rejects.not.toThrow(/pixel limit/);
  });

  it('rejects bad options with the argument named', async () => {
    await expect(decodePixels('x.png', { channels: 2 as 1 })).rejects.toThrow(InvalidArgumentError);
    await expect(decodePixels('x.png', { resize: { width: 0, height: 2 } })).rejects.toThrow(/'options.resize'/);
    await expect(decodePixels('x.png', { normalize: { mean: [0, 0], std: 1 } })).rejects.toThrow(/'options.normalize.mean'/);
    await expect(decodePixels('x.png', { normalize: { mean: 0, std: 0 } })).rejects.toThrow(/'options.normalize.std'/);
  });
});

describe('decodeImage', () => {
  it('returns a float32 tensor [H, W, C]', async () => {
    const path = await writeImage('gray-tensor.png', gray, 3, 2, 1);
    const before = tf.memory().numTensors;
    const t = await decodeImage(path, { channels: 1 });
    expect(t.shape).toEqual([2, 3, 1]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual(gray.map((v) => Math.fround(v / 255)));
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadImages', () => {
  it('batches images [N, H, W, C] in path order', async () => {
    const a = await writeImage('a.png', [0, 0, 0, 0], 2, 2, 1);
    const b = await writeImage('b.png', [255, 255, 255, 255], 2, 2, 1);
    const before = tf.memory().numTensors;
    const out = await loadImages([b, a, b], { channels: 1, concurrency: 2 });
    expect(out.images.shape).toEqual([3, 2, 2, 1]);
    expect(Array.from(out.images.dataSync())).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(out.indices).toEqual([0, 1, 2]);
    expect(out.skipped).toEqual([]);
    out.images.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("skips and counts bad files with onError: 'skip', and throws without it", async () => {
    const good1 = await writeImage('g1.png', new Array(16 * 3).fill(100), 4, 4, 3);
    const good2 = await writeImage('g2.jpg', new Array(64 * 3).fill(200), 8, 8, 3);
    const bad = join(dir, 'bad.jpg');
    await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const missing = join(dir, 'nope.png');
    const paths = [bad, good1, missing, good2];
    const options = { resize: { width: 4, height: 4 }, channels: 3 as const };
    const out = await loadImages(paths, { ...options, onError: 'skip' });
    expect(out.images.shape).toEqual([2, 4, 4, 3]);
    expect(out.paths).toEqual([good1, good2]);
    expect(out.indices).toEqual([1, 3]);
    expect(out.skipped.map((s) => [s.path, s.index])).toEqual([[bad, 0], [missing, 2]]);
    expect(out.skipped[0]!.reason).toContain(bad);
    const data = out.images.dataSync();
    expect(data[0]).toBeCloseTo(100 / 255, 5);
    expect(data[4 * 4 * 3]).toBeCloseTo(200 / 255, 1);
    out.images.dispose();
    await expect(loadImages(paths, options)).rejects.toThrow(FormatError);
    await expect(loadImages(paths, options)).rejects.toThrow(bad);
  });

  it('an image of another size is a bad file unless resize is given', async () => {
    const small = await writeImage('s.png', [1, 2, 3, 4], 2, 2, 1);
    const big = await writeImage('big.png', new Array(9).fill(5), 3, 3, 1);
    await expect(loadImages([small, big], { channels: 1 })).rejects.toThrow(/big\.png: is 3x3, the batch is 2x2; pass 'resize'/);
    const skipped = await loadImages([small, big], { channels: 1, onError: 'skip' });
    expect(skipped.indices).toEqual([0]);
    expect(skipped.skipped.map((s) => s.index)).toEqual([1]);
    skipped.images.dispose();
    const resized = await loadImages([small, big], { channels: 1, resize: { width: 3, height: 3 } });
    expect(resized.images.shape).toEqual([2, 3, 3, 1]);
    resized.images.dispose();
  });

  it('all files bad with skip gives an empty batch', async () => {
    const out = await loadImages([join(dir, 'none1.png'), join(dir, 'none2.png')], { channels: 1, resize: { width: 5, height: 4 }, onError: 'skip' });
    expect(out.images.shape).toEqual([0, 4, 5, 1]);
    expect(out.skipped).toHaveLength(2);
    out.images.dispose();
  });
});
