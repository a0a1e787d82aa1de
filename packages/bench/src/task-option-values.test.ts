import { describe, expect, it } from 'vitest';
import { UsageError } from './bench-config.js';
import { flagOf, isPositiveInt, optionValues, steerOption } from './task-option-values.js';

describe('optionValues', () => {
  it('reads checked numbers and integer lists, undefined when absent', () => {
    const { num, ints } = optionValues({ lr: 0.01, filters: ['16', '32'] });
    expect(num('lr', (v) => v > 0, 'a positive number')).toBe(0.01);
    expect(num('steps', isPositiveInt, 'a positive integer')).toBeUndefined();
    expect(ints('filters', 2)).toEqual([16, 32]);
    expect(ints('widths')).toBeUndefined();
  });

  it('names the flag, what was expected and what was got', () => {
    const { num, ints } = optionValues({ pretrainEpochs: 0, filters: ['16', 'x'], widths: ['8'] });
    expect(() => num('pretrainEpochs', isPositiveInt, 'a positive integer')).toThrow(new UsageError('--pretrain-epochs expects a positive integer, got 0'));
    expect(() => ints('filters')).toThrow(/--filters expects one or more positive integers separated by commas, got 16,x/);
    expect(() => ints('widths', 2)).toThrow(/--widths expects 2 positive integers/);
    expect(flagOf('testPerClass')).toBe('test-per-class');
  });

  it('reads --steer: kinds (film for both FiLM kinds), FiLM layers, or all', () => {
    expect(steerOption(undefined, [])).toBeUndefined();
    expect(steerOption(['all'], [])).toBeNull();
    expect(steerOption(['film', 'head-bias', 'film-scale'], [])).toEqual(['film-scale', 'film-shift', 'head-bias']);
    expect(steerOption(['block3'], ['block3'])).toEqual(['block3']);
    expect(() => steerOption(['block3'], [])).toThrow(/--steer expects all, kinds \(film, film-scale, film-shift, head-kernel, head-bias\), got block3/);
    expect(() => steerOption(['all', 'film'], ['x'])).toThrow(/or FiLM layers \(x\), got all,film/);
  });
});
