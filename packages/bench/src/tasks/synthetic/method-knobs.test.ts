import { describe, expect, it } from 'vitest';
import { METHOD_KNOB_OPTIONS, resolveMethodKnobs } from './method-knobs.js';

describe('method knobs', () => {
  it('maps the flags it is given onto finetune options, and nothing else', () => {
    expect(resolveMethodKnobs({})).toEqual({});
    expect(resolveMethodKnobs({
      lambda: 1, sigma: 0.2, esLr: 0.05, gpWindow: 10, gpLengthscales: ['2', '5'], gpReselectEvery: 5, gpDifferences: 'antithetic',
      trustRef: 0.1, trustFixed: 1, guideShare: 0.5, guideDirections: ['loss', 'groups'], conflict: 'project',
      mixing: 'loss-prior', lossGroups: 'label', groupRidge: ['0.1', '1'], valueLr: 0.003,
    })).toEqual({
      lambda: 1, sigma: 0.2, esLearningRate: 0.05,
      gp: { window: 10, lengthscaleMultipliers: [2, 5], reselectEvery: 5, differences: 'antithetic' },
      trust: { ref: 0.1, fixed: 1 },
      guide: { share: 0.5, directions: ['loss', 'groups'] },
      conflict: 'project', mixing: 'loss-prior', lossGroups: 'label', groupRidge: [0.1, 1], valueStep: { learningRate: 0.003 },
    });
    expect(resolveMethodKnobs({ groupRidge: ['3'] }).groupRidge).toBe(3);
  });

  it('rejects bad values, naming the flag', () => {
    expect(() => resolveMethodKnobs({ gpLengthscales: ['a'] })).toThrow(/--gp-lengthscales/);
    expect(() => resolveMethodKnobs({ mixing: 'mean' })).toThrow(/--mixing/);
    expect(() => resolveMethodKnobs({ guideShare: 0.5, guideDirections: ['up'] })).toThrow(/--guide-directions/);
    expect(() => resolveMethodKnobs({ gpDifferences: 'pairs' })).toThrow(/--gp-differences/);
    expect(METHOD_KNOB_OPTIONS.every((o) => o.flags.startsWith('--'))).toBe(true);
  });
});
