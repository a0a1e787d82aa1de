import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { loadVocDataset, parseVocAnnotation } from '@metricopt/detection';
import { mutatedText } from '../byte-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

/** A VOC annotation as the devkit writes it. */
export function vocXml(filename: string, objects: { name: string; box: number[]; difficult?: number }[], size = [10, 8]): string {
  return `<annotation>
  <folder>VOC2007</folder>
  <filename>${filename}</filename>
  <size><width>${size[0]}</width><height>${size[1]}</height><depth>3</depth></size>
${objects.map((o) => `  <object>
    <name>${o.name}</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <difficult>${o.difficult ?? 0}</difficult>
    <bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox>
  </object>`).join('\n')}
</annotation>
`;
}

const SEEDS = [
  vocXml('000005.jpg', [{ name: 'chair', box: [2, 3, 5, 8] }, { name: 'dog', box: [1, 1, 10, 8], difficult: 1 }]),
  vocXml('000005.jpg', []),
  vocXml('000005.jpg', [{ name: 'car', box: [4, 2, 6, 4] }, { name: 'car', box: [4, 2, 6, 4] }, { name: 'person', box: [1, 1, 1, 1] }]),
];

/** Text for one text node or element: numbers that break arithmetic, paths out, markup, entities, deep nesting, a billion-laughs DTD. */
const XML_TOKENS = [
  'NaN', 'Infinity', '-1', '0', '1e999', '4294967296', '9007199254740993', '', ' ', '../../../etc/passwd', '/etc/passwd', 'C:\\x.jpg',
  '<', '&amp;', '&undefined;', '&#0;', ']]>', '<![CDATA[x]]>', '<object/>', '<object><name>cat</name></object>', '<__proto__>1</__proto__>',
  '<a>'.repeat(5000) + '</a>'.repeat(5000), '<bndbox>'.repeat(300) + '</bndbox>'.repeat(300),
];
const DTD = '<!DOCTYPE annotation [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>';

/** Replaces the text between the k-th '>' and the next '<' (k modulo their count) with a token. */
function replaceTextNode(xml: string, k: number, token: string): string {
  const gaps: number[] = [];
  for (let i = xml.indexOf('>'); i >= 0; i = xml.indexOf('>', i + 1)) gaps.push(i + 1);
  if (gaps.length === 0) return xml;
  const start = gaps[k % gaps.length]!;
  const end = xml.indexOf('<', start);
  return xml.slice(0, start) + token + (end < 0 ? '' : xml.slice(end));
}

/** VOC XML: token replacements in text nodes (0–3), a DTD of nested entities, duplicated objects; then byte-level mutation a third of the time. */
export function mutatedVocXml(): fc.Arbitrary<string> {
  const structural = fc
    .tuple(
      fc.constantFrom(...SEEDS),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...XML_TOKENS)), { maxLength: 3 }),
      fc.boolean(),
      fc.nat(3),
    )
    .map(([seed, replacements, dtd, copies]) => {
      let xml = replacements.reduce((x, [k, token]) => replaceTextNode(x, k, token), seed);
      if (copies > 0) {
        // Duplicate objects: the same box and name several times over.
        const object = /<object>[\s\S]*?<\/object>/.exec(xml)?.[0] ?? '';
        xml = xml.replace('</annotation>', `${object.repeat(copies * 50)}</annotation>`);
      }
      return dtd ? DTD + xml.replace('<filename>000005.jpg', '<filename>&d;') : xml;
    });
  return fc.oneof({ weight: 2, arbitrary: structural }, { weight: 1, arbitrary: structural.chain((x) => mutatedText([x], 48)) });
}

interface VocContext {
  root: string;
}

/** loadVocDataset on a year directory whose Annotations/000005.xml and (sometimes) image set list are the input; parseVocAnnotation on the text. */
export const vocTarget: FuzzTarget<{ xml: string; list: string }, VocContext> = {
  name: 'voc',
  reader: 'parseVocAnnotation, loadVocDataset (detection)',
  async setup(dir) {
    for (const d of ['Annotations', 'JPEGImages', join('ImageSets', 'Main')]) await mkdir(join(dir, d), { recursive: true });
    for (const id of ['000005', '000007']) {
      await sharp({ create: { width: 10, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg().toFile(join(dir, 'JPEGImages', `${id}.jpg`));
    }
    await writeFile(join(dir, 'Annotations', '000007.xml'), vocXml('000007.jpg', [{ name: 'car', box: [4, 2, 6, 4] }]));
    return { root: dir };
  },
  arbitrary: () => fc.record({
    xml: mutatedVocXml(),
    list: fc.oneof({ weight: 3, arbitrary: fc.constant('000005\n000007\n') }, { weight: 1, arbitrary: mutatedText(['000005\n000007\n', '000005 1\n000007 -1\n'], 8) }),
  }),
  async run({ xml, list }, { root }) {
    const xmlPath = join(root, 'Annotations', '000005.xml');
    await writeFile(xmlPath, xml);
    await writeFile(join(root, 'ImageSets', 'Main', 'trainval.txt'), list);
    parseVocAnnotation(xml, xmlPath);
    const ds = await loadVocDataset({ root, channels: 1 });
    ds.images.dispose();
  },
  names: ({ root }) => [root],
};
