import { InvalidArgumentError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { convertBoxes, type BoxFormat } from './box-format.js';

// One box, x from 10 to 40 and y from 20 to 60, in each format.
const forms: Record<BoxFormat, number[]> = { xyxy: [10, 20, 40, 60], xywh: [10, 20, 30, 40], cxcywh: [25, 40, 30, 40] };

describe('convertBoxes', () => {
  const pairs = (Object.keys(forms) as BoxFormat[]).flatMap((from) => (Object.keys(forms) as BoxFormat[]).map((to) => [from, to] as const));
  it.each(pairs)('%s -> %s', (from, to) => {
    const boxes = [...forms[from], ...forms[from]];
    expect(Array.from(convertBoxes(boxes, from, to))).toEqual([...forms[to], ...forms[to]]);
  });
  it('keeps Float32Array as Float32Array', () => {
    const out = convertBoxes(new Float32Array(forms.xywh), 'xywh', 'xyxy');
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual(forms.xyxy);
  });
  it('rejects arrays that are not 4 numbers per box, and unknown formats', () => {
    expect(() => convertBoxes([1, 2, 3], 'xyxy', 'xywh')).toThrow(InvalidArgumentError);
    expect(() => convertBoxes([1, 2, 3, 4], 'xyxy', 'ltrb' as BoxFormat)).toThrow(/'to' passed to convertBoxes must be one of xyxy, xywh, cxcywh, got "ltrb"/);
  });
});
