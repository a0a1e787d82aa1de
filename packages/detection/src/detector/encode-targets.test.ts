import { describe, expect, it } from 'vitest';
import { encodeCenterNetTargets, gaussianRadius, targetChannels } from './encode-targets.js';

describe('gaussianRadius', () => {
  it('is the smallest root of the three corner cases (hand-worked for a 10x10 box)', () => {
    // Case 3 governs: a = 4m = 2.8, b = −2m(h + w) = −28, c = (m − 1)hw = −30, r = (b + √(b² − 4ac)) / 2.
    const r3 = (-28 + Math.sqrt(28 * 28 + 4 * 2.8 * 30)) / 2;
    expect(gaussianRadius(10, 10, 0.7)).toBeCloseTo(r3, 10);
    expect(gaussianRadius(10, 10)).toBeGreaterThan(gaussianRadius(4, 4));
  });
});

describe('encodeCenterNetTargets', () => {
  it('puts a Gaussian peaked at 1 on the centre cell, and size, offset and mask there', () => {
    const C = 2;
    const K = targetChannels(C);
    const out = encodeCenterNetTargets([[], [{ bbox: [10, 20, 16, 8], classIndex: 1 }]], { numClasses: C, outputSize: [8, 8], stride: 4 });
    expect(out.length).toBe(2 * 8 * 8 * K);
    expect(out.subarray(0, 64 * K).every((v) => v === 0)).toBe(true);
    const at = (y: number, x: number, c: number) => out[64 * K + (y * 8 + x) * K + c]!;
    // Centre (18, 24) px → (4.5, 6) cells → cell x 4, y 6.
    expect(at(6, 4, 1)).toBe(1);
    expect(at(6, 4, 0)).toBe(0);
    expect([at(6, 4, 2), at(6, 4, 3), at(6, 4, 4), at(6, 4, 5), at(6, 4, 6)]).toEqual([4, 2, 0.5, 0, 1]);
    // Exactly one cell of 1 and one masked cell; values elsewhere below 1 and symmetric about the centre.
    let ones = 0;
    let masks = 0;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      if (at(y, x, 1) === 1) ones++;
      masks += at(y, x, 6);
    }
    expect([ones, masks]).toEqual([1, 1]);
    const r = Math.floor(gaussianRadius(2, 4));
    if (r > 0) expect(at(6, 3, 1)).toBeCloseTo(at(6, 5, 1), 10);
  });

  it('keeps the maximum where Gaussians of one class overlap', () => {
    const opts = { numClasses: 1, outputSize: [10, 10] as [number, number], stride: 1 };
    const a = encodeCenterNetTargets([[{ bbox: [0, 0, 8, 8], classIndex: 0 }]], opts);
    const b = encodeCenterNetTargets([[{ bbox: [2, 0, 8, 8], classIndex: 0 }]], opts);
    const both = encodeCenterNetTargets([[{ bbox: [0, 0, 8, 8], classIndex: 0 }, { bbox: [2, 0, 8, 8], classIndex: 0 }]], opts);
    for (let i = 0; i < 100; i++) expect(both[i * 6]).toBe(Math.max(a[i * 6]!, b[i * 6]!));
  });

  it('rejects bad boxes and classes, naming them', () => {
    const opts = { numClasses: 2, outputSize: [4, 4] as [number, number], stride: 4 };
    expect(() => encodeCenterNetTargets([[{ bbox: [0, 0, -1, 2], classIndex: 0 }]], opts)).toThrow(/images\[0\]\[0\]\.bbox/);
    expect(() => encodeCenterNetTargets([[{ bbox: [0, 0, 1, 2], classIndex: 2 }]], opts)).toThrow(/classIndex/);
  });
});
