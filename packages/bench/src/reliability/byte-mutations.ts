import fc from 'fast-check';

/** One change to a byte string; positions are taken modulo the length, so a mutation fits any seed. */
export type ByteMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'u32'; at: number; value: number; littleEndian: boolean }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'append'; bytes: Uint8Array };

/** 32-bit values that break size arithmetic: zero, one, sign bits, all ones, big powers of two. */
export const HUGE_U32 = [0, 1, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x01000000] as const;

/**
 * A byte mutation; `headerBytes` biases positions toward the start, where formats keep their magic
 * numbers and declared sizes.
 */
export function byteMutation(headerBytes = 32): fc.Arbitrary<ByteMutation> {
  const at = fc.oneof(fc.nat(headerBytes), fc.nat());
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('overwrite' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('u32' as const), at, value: fc.oneof(fc.constantFrom(...HUGE_U32), fc.nat()), littleEndian: fc.boolean() }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), at, length: fc.integer({ min: 1, max: 256 }) }),
    fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  );
}

/** Applies mutations in order to a copy of `bytes`. */
export function mutateBytes(bytes: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let out: Uint8Array = Uint8Array.from(bytes);
  for (const m of mutations) {
    const n = out.length;
    if (m.kind === 'append') {
      out = concat(out, m.bytes);
      continue;
    }
    if (n === 0) continue;
    const at = m.at % n;
    switch (m.kind) {
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'flip':
        out[at] = out[at]! ^ (1 << m.bit);
        break;
      case 'overwrite':
        out.set(m.bytes.subarray(0, n - at), at);
        break;
      case 'u32': {
        if (n < 4) break;
        const pos = Math.min(at, n - 4);
        new DataView(out.buffer, out.byteOffset, n).setUint32(pos, m.value >>> 0, m.littleEndian);
        break;
      }
      case 'delete':
        out = concat(out.subarray(0, at), out.subarray(Math.min(n, at + m.length)));
        break;
      case 'duplicate':
        out = concat(out.subarray(0, Math.min(n, at + m.length)), out.subarray(at));
        break;
    }
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A seed picked from `seeds`, then 0–3 byte mutations (the unmutated seed stays in the mix, so valid inputs are fuzzed too). */
export function mutatedBytes(seeds: readonly Uint8Array[], headerBytes = 32): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(byteMutation(headerBytes), { minLength: 0, maxLength: 3 }))
    .map(([i, mutations]) => mutateBytes(seeds[i]!, mutations));
}

/** Text mutated as its UTF-8 bytes (truncation, bit flips, …), decoded back leniently. */
export function mutatedText(seeds: readonly string[], headerBytes = 64): fc.Arbitrary<string> {
  const encoded = seeds.map((s) => new TextEncoder().encode(s));
  return mutatedBytes(encoded, headerBytes).map((b) => new TextDecoder().decode(b));
}
