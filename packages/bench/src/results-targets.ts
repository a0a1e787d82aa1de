import { meanStd, type BenchResult, type MethodResults } from './results.js';

/**
 * The targets a result's runs name (`run.target`), in order of first appearance; [] for a bench
 * with a single problem.
 *
 * ```ts
 * resultTargets(transfer);   // ['fashion-mlp', 'fashion-cnn']
 * ```
 */
export function resultTargets(result: BenchResult): string[] {
  const seen = new Set<string>();
  for (const m of Object.values(result.methods)) for (const r of m.runs) if (typeof r.target === 'string') seen.add(r.target);
  return [...seen];
}

/** The part of a result on one target: its runs only, `after` recomputed; methods without runs there left out. */
export function resultForTarget(result: BenchResult, target: string): BenchResult {
  const methods: Record<string, MethodResults> = {};
  for (const [name, m] of Object.entries(result.methods)) {
    const runs = m.runs.filter((r) => r.target === target);
    if (runs.length > 0) methods[name] = { ...m, runs, after: meanStd(runs.map((r) => r.after)) };
  }
  return { ...result, methods };
}
