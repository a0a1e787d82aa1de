/** The element types an IDX file can hold, by the name of their typed array. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds an IDX file's elements. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxDtypeInfo {
  dtype: IdxDtype;
  /** The type byte of the magic number (third byte). */
  code: number;
  /** Bytes per element. */
  size: number;
  make: (length: number) => IdxData;
  /** Reads one big-endian element at a byte offset. */
  read: (view: DataView, offset: number) => number;
  /** Writes one big-endian element at a byte offset. */
  write: (view: DataView, offset: number, value: number) => void;
}

// IDX stores every multi-byte element big-endian (the DataView default).
export const IDX_DTYPES: readonly IdxDtypeInfo[] = [
  { dtype: 'uint8', code: 0x08, size: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  { dtype: 'int8', code: 0x09, size: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  { dtype: 'int16', code: 0x0b, size: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o), write: (v, o, x) => v.setInt16(o, x) },
  { dtype: 'int32', code: 0x0c, size: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o), write: (v, o, x) => v.setInt32(o, x) },
  { dtype: 'float32', code: 0x0d, size: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o), write: (v, o, x) => v.setFloat32(o, x) },
  { dtype: 'float64', code: 0x0e, size: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o), write: (v, o, x) => v.setFloat64(o, x) },
];

export function dtypeByCode(code: number): IdxDtypeInfo | undefined {
  return IDX_DTYPES.find((d) => d.code === code);
}

export function dtypeByName(dtype: string): IdxDtypeInfo | undefined {
  return IDX_DTYPES.find((d) => d.dtype === dtype);
}

export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}
