import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FormatError } from '@metricopt/core';

/** One object of a Pascal VOC annotation file. */
export interface VocObject {
  name: string;
  difficult: boolean;
  truncated: boolean;
  /** The devkit's 1-based inclusive pixel corners. */
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** A parsed Pascal VOC annotation (`Annotations/<id>.xml`). */
export interface VocAnnotation {
  /** `<filename>`, when present. */
  filename?: string;
  /** `<size>`, when present. */
  width?: number;
  height?: number;
  objects: VocObject[];
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === 'object' });

/**
 * Parses one VOC annotation XML. Broken XML, a missing `<annotation>`, an object without a name or
 * `<bndbox>`, a non-numeric or inverted box, or one outside `<size>` is a FormatError naming `name`.
 *
 * ```ts
 * parseVocAnnotation(await readFile('Annotations/000005.xml', 'utf8'), 'Annotations/000005.xml').objects[0];
 * // { name: 'chair', difficult: false, truncated: false, xmin: 263, ymin: 211, xmax: 324, ymax: 339 }
 * ```
 */
export function parseVocAnnotation(xml: string, name: string): VocAnnotation {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new FormatError(name, `is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    // The parser refuses what its validator lets through: nesting past its limit, names such as __proto__.
    throw new FormatError(name, `cannot be parsed as XML (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  const root = parsed.annotation;
  if (root === null || typeof root !== 'object') throw new FormatError(name, 'has no <annotation> element');
  const ann = root as Record<string, unknown>;
  const result: VocAnnotation = { objects: [] };
  if (ann.filename !== undefined) {
    if (typeof ann.filename !== 'string' || ann.filename.length === 0) throw new FormatError(name, '<filename> must be a non-empty text');
    result.filename = ann.filename;
  }
  if (ann.size !== undefined) {
    const size = ann.size as Record<string, unknown>;
    result.width = positiveInt(size?.width, name, '<size><width>');
    result.height = positiveInt(size?.height, name, '<size><height>');
  }
  const objects = (ann.object ?? []) as unknown[];
  objects.forEach((raw, k) => {
    const where = `<object> ${k + 1}`;
    const o = (raw ?? {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name.length === 0) throw new FormatError(name, `${where} has no <name>`);
    const box = o.bndbox as Record<string, unknown> | undefined;
    if (box === undefined || box === null || typeof box !== 'object') throw new FormatError(name, `${where} (${o.name}) has no <bndbox>`);
    const [xmin, ymin, xmax, ymax] = (['xmin', 'ymin', 'xmax', 'ymax'] as const).map((key) => coordinate(box[key], name, `${where} <bndbox><${key}>`));
    if (xmax! < xmin! || ymax! < ymin!) {
      throw new FormatError(name, `${where} (${o.name}) has an inverted box: xmin ${xmin}, ymin ${ymin}, xmax ${xmax}, ymax ${ymax}`);
    }
    if (result.width !== undefined && result.height !== undefined && (xmin! < 0 || ymin! < 0 || xmax! > result.width + 1 || ymax! > result.height + 1)) {
      throw new FormatError(name, `${where} (${o.name}) box ${xmin},${ymin},${xmax},${ymax} lies outside the ${result.width}x${result.height} image`);
    }
    result.objects.push({
      name: o.name,
      difficult: flag(o.difficult, name, `${where} <difficult>`),
      truncated: flag(o.truncated, name, `${where} <truncated>`),
      xmin: xmin!, ymin: ymin!, xmax: xmax!, ymax: ymax!,
    });
  });
  return result;
}

function coordinate(v: unknown, name: string, what: string): number {
  const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(x)) throw new FormatError(name, `${what} must be a number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  return x;
}

function positiveInt(v: unknown, name: string, what: string): number {
  const x = coordinate(v, name, what);
  if (!Number.isInteger(x) || x <= 0) throw new FormatError(name, `${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return x;
}

function flag(v: unknown, name: string, what: string): boolean {
  if (v === undefined || v === '') return false;
  if (v === '0' || v === '1') return v === '1';
  throw new FormatError(name, `${what} must be 0 or 1, got ${JSON.stringify(v)}`);
}
