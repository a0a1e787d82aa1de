import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FormatError } from '@metricopt/core';

/** A binary tabular dataset in host memory: row i is `x[i·dim … (i+1)·dim)`, label `y[i]` (1: positive). */
export interface TabularData {
  x: Float32Array;
  y: Int32Array;
  n: number;
  dim: number;
  featureNames: string[];
  /** Where it came from (for messages and results). */
  source: string;
}

/** The bundled Breast Cancer Wisconsin (Diagnostic) CSV (CC BY 4.0; data/README.md). */
export const BREAST_CANCER_CSV = fileURLToPath(new URL('../data/breast-cancer.csv', import.meta.url));

/**
 * Parses a numeric CSV with a header row: every column a feature except the last, the label,
 * which must be 0 or 1 (1: positive). Blank lines are skipped. Anything else is a FormatError
 * naming `source` and the line.
 *
 * ```ts
 * parseTabularCsv('a,b,label\n1,2,0\n3,4,1\n', 'mini.csv');   // { n: 2, dim: 2, y: Int32Array [0, 1], featureNames: ['a', 'b'], … }
 * ```
 */
export function parseTabularCsv(text: string, source: string): TabularData {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.split(',').map((s) => s.trim()) ?? [];
  if (header.length < 2 || header.some((h) => h.length === 0)) {
    throw new FormatError(source, `line 1: expected a header of feature names and a label column (at least 2 names), got ${JSON.stringify(lines[0] ?? '')}`);
  }
  const dim = header.length - 1;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    const cells = line.split(',');
    if (cells.length !== header.length) throw new FormatError(source, `line ${i + 1}: expected ${header.length} values, got ${cells.length}`);
    const values = cells.map(Number);
    const bad = values.findIndex((v, k) => !Number.isFinite(v) || cells[k]!.trim() === '');
    if (bad >= 0) throw new FormatError(source, `line ${i + 1}, column '${header[bad]}': expected a number, got ${JSON.stringify(cells[bad])}`);
    const label = values[dim]!;
    if (label !== 0 && label !== 1) throw new FormatError(source, `line ${i + 1}, column '${header[dim]}': expected a label 0 or 1, got ${cells[dim]}`);
    for (let k = 0; k < dim; k++) x.push(values[k]!);
    y.push(label);
  }
  if (y.length === 0) throw new FormatError(source, 'holds no data rows');
  return { x: Float32Array.from(x), y: Int32Array.from(y), n: y.length, dim, featureNames: header.slice(0, dim), source };
}

/** Reads a CSV in parseTabularCsv's format; a missing file is a FormatError naming it. */
export async function loadTabularCsv(path: string): Promise<TabularData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new FormatError(path, `cannot read the CSV (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  return parseTabularCsv(text, path);
}

/** The bundled breast-cancer data: 569 rows, 30 features, 212 positives (malignant). */
export function loadBreastCancer(): Promise<TabularData> {
  return loadTabularCsv(BREAST_CANCER_CSV);
}
