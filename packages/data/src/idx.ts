import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzipSync } from 'node:zlib';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { describe } from '@metricopt/core';
import { IDX_DTYPES, dtypeByCode, dtypeByName, hex, type IdxData, type IdxDtype } from './idx-dtype.js';

const gunzipAsync = promisify(gunzip);

/** An IDX array: element type, shape and the row-major elements. */
export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

export interface EncodeIdxOptions {
  /** Gzip the encoded bytes (default false). */
  gzip?: boolean;
}

/** True when the bytes start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses IDX bytes, gzipped or raw (told apart by the gzip magic bytes, not by a file name).
 * `name` is what error messages call the input. Any malformation — bad gzip, a wrong magic
 * number, an unknown type byte, no or zero dimensions, fewer or more data bytes than the
 * dimensions declare — is a FormatError naming the input and what is wrong.
 *
 * ```ts
 * const { dtype, shape, data } = parseIdx(bytes, 'train-labels-idx1-ubyte.gz');
 * // 'uint8', [60000], Uint8Array(60000)
 * ```
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX input'): IdxArray {
  if (!isGzip(bytes)) return parseRawIdx(bytes, name);
  let raw: Uint8Array;
  try {
    raw = gunzipSync(bytes);
  } catch (err) {
    throw badGzip(name, err);
  }
  return parseRawIdx(raw, name);
}

/** Reads an IDX file (gzipped or raw); an unreadable or malformed file is a FormatError naming it. */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new FormatError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  if (!isGzip(bytes)) return parseRawIdx(bytes, path);
  try {
    bytes = await gunzipAsync(bytes);
  } catch (err) {
    throw badGzip(path, err);
  }
  return parseRawIdx(bytes, path);
}

function badGzip(name: string, err: unknown): FormatError {
  const reason = err instanceof Error ? err.message : String(err);
  return new FormatError(name, `starts like gzip but is not a valid gzip stream (${reason}): truncated or corrupt`, { cause: err });
}

function parseRawIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) throw new FormatError(name, `is ${bytes.length} bytes, too short for the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new FormatError(name, `wrong magic number: an IDX file starts with 0x00 0x00, got ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  }
  const info = dtypeByCode(bytes[2]!);
  if (info === undefined) {
    const valid = IDX_DTYPES.map((d) => `${hex(d.code)} (${d.dtype})`).join(', ');
    throw new FormatError(name, `unknown IDX type byte ${hex(bytes[2]!)}; valid: ${valid}`);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) throw new FormatError(name, 'declares 0 dimensions; an IDX array needs at least one');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new FormatError(name, `truncated header: ${ndims} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) {
    const dim = view.getUint32(4 + 4 * i);
    if (dim === 0) throw new FormatError(name, `dimension ${i} is 0 (shape [${readDims(view, ndims).join(', ')}])`);
    shape.push(dim);
  }
  const available = bytes.length - headerBytes;
  // Compared before anything is allocated, so a corrupt header cannot ask for gigabytes.
  const declared = shape.reduce((a, b) => a * b, 1) * info.size;
  if (declared > available) {
    throw new FormatError(name, `truncated: shape [${shape.join(', ')}] of ${info.dtype} needs ${declared} data bytes, the file has ${available}`);
  }
  if (declared < available) {
    throw new FormatError(name, `${available - declared} bytes after the data: shape [${shape.join(', ')}] of ${info.dtype} needs ${declared} data bytes, the file has ${available}`);
  }
  const length = declared / info.size;
  let data: IdxData;
  if (info.size === 1) {
    const copy = bytes.slice(headerBytes);
    data = info.dtype === 'uint8' ? copy : new Int8Array(copy.buffer, copy.byteOffset, copy.length);
  } else {
    data = info.make(length);
    for (let i = 0, o = headerBytes; i < length; i++, o += info.size) data[i] = info.read(view, o);
  }
  return { dtype: info.dtype, shape, data };
}

function readDims(view: DataView, ndims: number): number[] {
  return Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
}

/**
 * Encodes an array as IDX bytes (big-endian, the exact on-disk format), gzipped on request.
 * Values are stored as `dtype`: out-of-range integers wrap like a typed-array assignment.
 *
 * ```ts
 * const bytes = encodeIdx({ dtype: 'uint8', shape: [2, 2], data: Uint8Array.of(0, 1, 2, 3) }, { gzip: true });
 * parseIdx(bytes).shape;   // [2, 2]
 * ```
 */
export function encodeIdx(array: { dtype: IdxDtype; shape: readonly number[]; data: ArrayLike<number> }, options: EncodeIdxOptions = {}): Uint8Array {
  const info = dtypeByName(array?.dtype);
  if (info === undefined) {
    throw new InvalidArgumentError('encodeIdx', 'array.dtype', `one of ${IDX_DTYPES.map((d) => d.dtype).join(', ')}`, describe(array?.dtype));
  }
  const shape = array.shape;
  if (!Array.isArray(shape) || shape.length === 0 || shape.length > 255 || !shape.every((d) => Number.isInteger(d) && d > 0 && d <= 0xffffffff)) {
    throw new InvalidArgumentError('encodeIdx', 'array.shape', '1 to 255 positive integer dimensions below 2^32', describe(shape));
  }
  const length = shape.reduce((a, b) => a * b, 1);
  if (array.data?.length !== length) {
    throw new InvalidArgumentError('encodeIdx', 'array.data', `${length} elements (shape [${shape.join(', ')}])`, describe(array.data));
  }
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + length * info.size);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  if (info.size === 1) {
    (info.dtype === 'uint8' ? out.subarray(headerBytes) : new Int8Array(out.buffer, headerBytes)).set(array.data);
  } else {
    for (let i = 0, o = headerBytes; i < length; i++, o += info.size) info.write(view, o, array.data[i]!);
  }
  return options.gzip === true ? new Uint8Array(gzipSync(out)) : out;
}

/** Writes an array as an IDX file (gzipped when `options.gzip`). */
export async function writeIdx(path: string, array: { dtype: IdxDtype; shape: readonly number[]; data: ArrayLike<number> }, options: EncodeIdxOptions = {}): Promise<void> {
  await writeFile(path, encodeIdx(array, options));
}
