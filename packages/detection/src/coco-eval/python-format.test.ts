import { describe, expect, it } from 'vitest';
import { formatFixed } from './python-format.js';

// Expected strings printed by Python 3.11's '{:0.Nf}'.format.
describe('formatFixed', () => {
  it.each([
    [0.0625, 3, '0.062'],
    [0.5625, 3, '0.562'],
    [0.1875, 3, '0.188'],
    [0.125, 2, '0.12'],
    [-1, 3, '-1.000'],
    [0.9999999999999998, 3, '1.000'],
    [0.29361352153161036, 3, '0.294'],
    [0.95, 2, '0.95'],
    [0.8999999999999999, 2, '0.90'],
    [9.9996, 3, '10.000'],
  ])('formats %d with %d digits as Python does: %s', (x, digits, expected) => {
    expect(formatFixed(x, digits)).toBe(expected);
  });
});
