/** A class of the glyphs dataset: one character, or several that look alike across scripts (merged). */
export interface GlyphClassSpec {
  /** The characters drawn for this class (the first names it); a face draws whichever of them it has. */
  chars: string[];
  /** Where the first comes from: 'latin', 'greek', 'cyrillic', 'digits', 'symbols', 'armenian', … */
  script: string;
}

type Range = [number, number];

/** The scripts and the code points taken from each (single characters that stand alone: no combining marks, no spaces). */
const SCRIPTS: [string, Range[] | string][] = [
  ['digits', [[0x30, 0x39]]],
  ['latin', [[0x41, 0x5a], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0xff]]],
  ['greek', [[0x391, 0x3a1], [0x3a3, 0x3a9], [0x3b1, 0x3c9]]],
  ['cyrillic', [[0x401, 0x40c], [0x40e, 0x44f], [0x451, 0x45c], [0x45e, 0x45f]]],
  ['armenian', [[0x531, 0x556], [0x561, 0x586]]],
  ['hebrew', [[0x5d0, 0x5ea]]],
  ['arabic', [[0x628, 0x63a], [0x641, 0x64a]]],
  ['devanagari', [[0x905, 0x914], [0x915, 0x939]]],
  ['thai', [[0xe01, 0xe2e]]],
  ['georgian', [[0x10d0, 0x10f0]]],
  ['ethiopic', '\u1200\u1208\u1210\u1218\u1220\u1228\u1230\u1238\u1240\u1260\u1270\u1278\u1280\u1290\u1298\u12a0\u12a8\u12b8\u12c8\u12d0\u12d8\u12e0\u12e8\u12f0\u1300\u1308\u1320\u1328\u1330\u1338\u1340\u1348\u1350'],
  ['symbols', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{}~¡¢£¤¥¦§¨©ª«¬®¯°±²³´¶·¸¹º»¼½¾¿×÷'],
  ['symbols', '†‡•‰‽€₩₪₫₱₴₹₽₺℃℉№™ℓ℮ℵ⅓⅔⅛⅜⅝⅞'],
  ['symbols', '←↑→↓↔↕↖↗↘↙⇐⇑⇒⇓⇔↩↪↺↻'],
  ['symbols', '∀∂∃∇∈∉∋√∝∞∠∧∨∩∪∫∬∮∴∵≃≅≈≠≡≤≥≪≫⊂⊃⊄⊆⊇⊕⊖⊗⊘⊙⊥⌈⌉⌊⌋⌐⌠⌡'],
  ['symbols', '■□▪▫▬▲△►▼▽◄◆◇○◎●◐◑◢◣◤◥'],
  ['symbols', '☀☁☂☃★☆☎☑☒☹☺☻☼♀♂♠♡♢♣♤♥♦♧♩♪♫♬♭♮♯⚓⚡'],
  ['symbols', '✁✂✈✉✌✍✎✓✗✚✝✠✡✦✧✪✱✿❀❄❖❤❦➔➜'],
];

/**
 * Characters that look alike across scripts (or across Unicode blocks), merged into one class:
 * Latin A, Greek Alpha and Cyrillic A are one glyph drawn three ways. The first of each group
 * names the class. I, l and | are merged too: many sans-serif faces draw them identically.
 */
export const GLYPH_MERGES: readonly string[] = Object.freeze([
  'AΑА', 'BΒВ', 'CС', 'EΕЕ', 'HΗН', 'IΙІl|', 'JЈ', 'KΚК', 'MΜМ', 'NΝ', 'OΟОՕ', 'PΡР', 'SЅ', 'TΤТ', 'XΧХ', 'YΥ', 'ZΖ',
  'aа', 'cс', 'eе', 'iі', 'jј', 'oοоօ', 'pр', 'sѕ', 'xх', 'yу', 'vν', 'uս', 'nո', 'hհ', 'qզ', 'UՍ', 'LԼ',
  'ΓГ', 'ΠП', 'ΦФ', 'κк', 'ΣƩ', '3З', 'ÏЇ', 'ïї', 'ËЁ', 'ëё', 'ÈЀ', 'èѐ', 'μµ',
]);

/** Characters left out because they look like another class without being the same character (Greek rho ≈ p, Arabic alef ≈ l, …). */
export const GLYPH_DROPS: ReadonlySet<string> = new Set(['ρ', 'υ', 'ա', 'ւ', 'ց', 'Յ', 'ı']);

/**
 * The character classes of the glyphs dataset, in a fixed order: digits, Latin (with Latin-1
 * letters), Greek, Cyrillic, Armenian, Hebrew, Arabic (isolated letters, alef left out),
 * Devanagari, Thai, Georgian, Ethiopic (the first form of each consonant), then symbols
 * (punctuation, currency, arrows, mathematical operators, shapes, dingbats). Look-alikes are
 * merged (GLYPH_MERGES) or dropped (GLYPH_DROPS). About 700 classes before font coverage: which
 * survive depends on the fonts (each needs several faces that draw it).
 *
 * ```ts
 * const classes = glyphInventory();
 * classes[10];   // { chars: ['A', 'Α', 'А'], script: 'latin' }
 * ```
 */
export function glyphInventory(): GlyphClassSpec[] {
  const mergedInto = new Map<string, string[]>();
  for (const group of GLYPH_MERGES) {
    const chars = [...group];
    for (const c of chars) mergedInto.set(c, chars);
  }
  const out: GlyphClassSpec[] = [];
  const taken = new Set<string>();
  for (const [script, source] of SCRIPTS) {
    const chars = typeof source === 'string' ? [...source] : source.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)));
    for (const c of chars) {
      if (taken.has(c) || GLYPH_DROPS.has(c)) continue;
      const group = mergedInto.get(c) ?? [c];
      for (const member of group) taken.add(member);
      out.push({ chars: group, script });
    }
  }
  return out;
}
