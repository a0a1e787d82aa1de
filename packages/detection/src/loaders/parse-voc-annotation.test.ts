import { describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { parseVocAnnotation } from './parse-voc-annotation.js';

describe('parseVocAnnotation', () => {
  it.each([
    ['nesting past the parser limit', `<annotation>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</annotation>`, /Maximum nested tags/],
    ['a tag named __proto__', '<annotation><__proto__>1</__proto__></annotation>', /__proto__/],
  ])('refuses XML its validator passes but its parser does not (%s) with a FormatError naming the file', (_, xml, reason) => {
    const err = (() => {
      try {
        parseVocAnnotation(xml, 'Annotations/x.xml');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^Annotations\/x\.xml: cannot be parsed as XML/);
    expect((err as Error).message).toMatch(reason);
  });

  it('leaves entities of an internal DTD unexpanded (no billion laughs)', () => {
    const dtd = '<!DOCTYPE annotation [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    expect(parseVocAnnotation(`${dtd}<annotation><filename>&b;</filename></annotation>`, 'x.xml').filename).toBe('&b;');
  });
});
