import { describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { loadBreastCancer, loadTabularCsv, parseTabularCsv } from './tabular-data.js';

describe('tabular CSV', () => {
  it('parses a header, numeric rows and 0/1 labels, skipping blank lines', () => {
    const d = parseTabularCsv('a,b,label\r\n1,2.5,0\n\n-3,4e-1,1\n', 'mini.csv');
    expect([d.n, d.dim, d.featureNames]).toEqual([2, 2, ['a', 'b']]);
    expect(Array.from(d.x)).toEqual([1, 2.5, -3, Math.fround(0.4)]);
    expect(Array.from(d.y)).toEqual([0, 1]);
  });

  it.each([
    ['label\n1\n', /line 1: expected a header/],
    ['a,,y\n1,2,0\n', /line 1: expected a header/],
    ['a,y\n1,0\n2\n', /line 3: expected 2 values, got 1/],
    ['a,y\nx,0\n', /line 2, column 'a': expected a number, got "x"/],
    ['a,y\n,0\n', /line 2, column 'a': expected a number/],
    ['a,y\n1,2\n', /line 2, column 'y': expected a label 0 or 1, got 2/],
    ['a,y\n', /holds no data rows/],
  ])('rejects %j with a FormatError naming the file and line', (text, message) => {
    expect(() => parseTabularCsv(text, 'bad.csv')).toThrow(FormatError);
    expect(() => parseTabularCsv(text, 'bad.csv')).toThrow(message);
    expect(() => parseTabularCsv(text, 'bad.csv')).toThrow(/^bad\.csv: /);
  });

  it('a missing file is a FormatError naming it', async () => {
    await expect(loadTabularCsv('/nonexistent/data.csv')).rejects.toThrow(/\/nonexistent\/data\.csv: cannot read the CSV \(ENOENT\)/);
  });

  it('bundles breast-cancer: 569 rows, 30 features, 212 malignant', async () => {
    const d = await loadBreastCancer();
    expect([d.n, d.dim, d.y.reduce((a, b) => a + b, 0)]).toEqual([569, 30, 212]);
    expect(d.featureNames[0]).toBe('mean_radius');
    // The first row of the published data: mean radius 17.99, malignant.
    expect([d.x[0], d.y[0]]).toEqual([Math.fround(17.99), 1]);
  });
});
