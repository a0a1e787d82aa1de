import { describe, expect, it } from 'vitest';
import { stepsToTarget } from './steps-to-target.js';

const curve = [{ step: 0, metric: 0.3 }, { step: 10, metric: 0.26 }, { step: 20, metric: 0.24 }, { step: 30, metric: 0.25 }];

describe('stepsToTarget', () => {
  it('is the step of the first round at least as good as the target, in either direction', () => {
    expect(stepsToTarget(curve, 0.25, false, 150)).toBe(20);
    expect(stepsToTarget(curve, 0.24, false, 150)).toBe(20);
    expect(stepsToTarget(curve, 0.3, false, 150)).toBe(0);
    expect(stepsToTarget(curve, 0.26, true, 150)).toBe(0);
    expect(stepsToTarget(curve.map((p) => ({ ...p, metric: 1 - p.metric })), 0.75, true, 150)).toBe(20);
  });

  it('is the budget when no round reaches the target (or there are none)', () => {
    expect(stepsToTarget(curve, 0.2, false, 150)).toBe(150);
    expect(stepsToTarget([], 0.2, false, 40)).toBe(40);
    expect(() => stepsToTarget(curve, Number.NaN, false, 1)).toThrow(/'target'/);
    expect(() => stepsToTarget(curve, 0.2, false, -1)).toThrow(/'budget'/);
  });
});
