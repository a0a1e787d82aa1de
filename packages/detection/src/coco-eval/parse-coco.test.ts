import { FormatError } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { parseCocoGroundTruth, parseCocoResults } from './parse-coco.js';

const gt = {
  images: [{ id: 'a.jpg' }, { id: 'b.jpg' }],
  categories: [{ id: 1, name: 'cat' }],
  annotations: [{ id: 1, image_id: 'b.jpg', category_id: 1, bbox: [1, 2, 3, 4] }],
};

describe('parseCocoGroundTruth', () => {
  it('accepts an object or its JSON text, string ids included, and returns it typed', () => {
    expect(parseCocoGroundTruth(gt, 'gt.json')).toBe(gt);
    expect(parseCocoGroundTruth(JSON.stringify(gt), 'gt.json')).toEqual(gt);
  });
  it.each([
    [{ ...gt, images: 'none' }, /gt\.json: images must be an array, got "none"/],
    [{ ...gt, images: [{ id: 1 }, { id: 1 }] }, /images\[1\]\.id must be an id not used by an earlier entry, got 1/],
    [{ ...gt, categories: [{ name: 'x' }] }, /categories\[0\]\.id must be a finite number or a string, got undefined/],
    [{ ...gt, annotations: [{ ...gt.annotations[0], category_id: 2 }] }, /annotations\[0\]\.category_id must be the id of an entry of categories, got 2/],
    [{ ...gt, annotations: [{ ...gt.annotations[0], iscrowd: 2 }] }, /annotations\[0\]\.iscrowd must be 0, 1, true or false, got 2/],
    [{ ...gt, annotations: [{ ...gt.annotations[0], area: -5 }] }, /annotations\[0\]\.area must be a finite non-negative number, got -5/],
    [{ ...gt, annotations: [{ ...gt.annotations[0], id: '1' }] }, /annotations\[0\]\.id must be a finite number, got "1"/],
    [[], /gt\.json: the ground truth must be an object, got an array of length 0/],
  ])('rejects %j with a FormatError naming the entry', (json, message) => {
    expect(() => parseCocoGroundTruth(json, 'gt.json')).toThrow(FormatError);
    expect(() => parseCocoGroundTruth(json, 'gt.json')).toThrow(message);
  });
});

describe('parseCocoResults', () => {
  it('accepts a results array', () => {
    const dt = [{ image_id: 'a.jpg', category_id: 1, bbox: [0, 0, 1, 1], score: 0.3 }];
    expect(parseCocoResults(JSON.stringify(dt), 'dt.json')).toEqual(dt);
    expect(parseCocoResults([], 'dt.json')).toEqual([]);
  });
  it('rejects a bad entry, naming it', () => {
    expect(() => parseCocoResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 1], score: 1 }], 'dt.json')).toThrow(
      /dt\.json: results\[0\]\.bbox must be an array \[x, y, width, height\], got an array of length 3/,
    );
    expect(() => parseCocoResults('{', 'dt.json')).toThrow(/dt\.json: not valid JSON/);
  });
});
