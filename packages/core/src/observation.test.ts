import { describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { ObservationBuffer } from './observation.js';

const round = (i: number) => ({
  round: i, step: i * 10, deltas: [Float32Array.from([0, 0]), Float32Array.from([0.1, 0]), Float32Array.from([-0.1, 0])],
  metrics: [0.2, 0.1, 0.3], scores: [-0.2, -0.1, -0.3], wholeSplit: true,
});

describe('ObservationBuffer', () => {
  it('keeps only the latest rounds', () => {
    const b = new ObservationBuffer(3);
    for (let i = 0; i < 5; i++) b.push(round(i));
    expect(b.rounds.map((r) => r.round)).toEqual([2, 3, 4]);
  });

  it('round-trips through JSON', () => {
    const b = new ObservationBuffer(4);
    b.push(round(0));
    b.push(round(1));
    const c = ObservationBuffer.fromJSON(JSON.parse(JSON.stringify(b)));
    expect(c.capacity).toBe(4);
    expect(c.rounds).toEqual(b.rounds);
  });

  it('refuses malformed rounds', () => {
    const b = new ObservationBuffer(2);
    expect(() => b.push({ ...round(0), scores: [NaN, 0, 0] })).toThrow(/finite/);
    expect(() => b.push({ ...round(0), metrics: [1] })).toThrow(/equal numbers of deltas, metrics and scores/);
    expect(() => ObservationBuffer.fromJSON({ capacity: 2, rounds: [{ deltas: 1 }] }, 'buf.json')).toThrow(FormatError);
    expect(() => ObservationBuffer.fromJSON(null, 'buf.json')).toThrow(/buf.json: expected/);
  });
});
