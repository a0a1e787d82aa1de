import { describe, expect, it } from 'vitest';
import { GLYPH_DROPS, GLYPH_MERGES, glyphInventory } from './glyph-inventory.js';
import { escapeMarkup } from './pango-markup.js';

describe('glyphInventory', () => {
  const classes = glyphInventory();
  const chars = classes.flatMap((c) => c.chars);

  it('has hundreds of classes from many scripts, no character in two classes', () => {
    expect(classes.length).toBeGreaterThan(600);
    expect(new Set(chars).size).toBe(chars.length);
    expect(new Set(classes.map((c) => c.script))).toEqual(
      new Set(['digits', 'latin', 'greek', 'cyrillic', 'armenian', 'hebrew', 'arabic', 'devanagari', 'thai', 'georgian', 'ethiopic', 'symbols']),
    );
  });

  it('merges look-alikes across scripts into one class and leaves out near look-alikes', () => {
    const classOf = (c: string) => classes.find((k) => k.chars.includes(c));
    expect(classOf('A')!.chars).toEqual(['A', 'Α', 'А']);
    expect(classOf('Α')).toBe(classOf('A'));
    expect(classOf('о')).toBe(classOf('o'));
    expect(classOf('l')).toBe(classOf('I'));
    for (const group of GLYPH_MERGES) expect(new Set([...group].map((c) => classOf(c)?.chars[0])).size).toBe(1);
    for (const dropped of GLYPH_DROPS) expect(classOf(dropped)).toBeUndefined();
    // Case pairs stay apart: the images keep each glyph's size on the line.
    expect(classOf('X')).not.toBe(classOf('x'));
  });

  it('holds only single visible characters: no spaces, controls or combining marks', () => {
    for (const c of chars) {
      expect([...c]).toHaveLength(1);
      expect(c).not.toMatch(/[\s\p{C}\p{M}]/u);
    }
  });
});

describe('escapeMarkup', () => {
  it('escapes what Pango markup would read as markup', () => {
    expect(escapeMarkup(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    expect(escapeMarkup('ж')).toBe('ж');
  });
});
