// Summarises a `bench synthetic --json` result: per method test / metric-split / twin means, and
// paired gains (positive = better) vs loss and vs es on test and twin, over the seeds both ran.
// Usage: node summarize.mjs results.json [--md] [--methods a,b]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args[0];
const md = args.includes('--md');
const r = JSON.parse(readFileSync(file, 'utf8'));
// --base FILE: baseline runs (same seeds, same settings) from another result, for methods this one did not run.
const baseAt = args.indexOf('--base');
if (baseAt >= 0) {
  const b = JSON.parse(readFileSync(args[baseAt + 1], 'utf8'));
  for (const [name, m] of Object.entries(b.methods)) if (!(name in r.methods)) r.methods[name] = m;
}
const sign = r.metric.higherIsBetter ? 1 : -1;
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const f4 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(4));

function paired(method, base, field) {
  const b = r.methods[base];
  if (!b || method === base) return '—';
  const other = new Map(b.runs.map((x) => [x.seed, x[field]]));
  const g = r.methods[method].runs.filter((x) => other.has(x.seed)).map((x) => sign * (x[field] - other.get(x.seed)));
  if (g.length === 0) return '—';
  const se = sd(g) / Math.sqrt(g.length);
  const w = g.filter((x) => x > 0).length;
  const l = g.filter((x) => x < 0).length;
  return `${g.length ? (mean(g) >= 0 ? '+' : '') + mean(g).toFixed(4) : ''}±${se.toFixed(4)} (${w}/${l})`;
}

const rows = [];
for (const [name, m] of Object.entries(r.methods)) {
  const runs = m.runs;
  const col = (k) => runs.map((x) => x[k]).filter((x) => typeof x === 'number');
  const test = col('after');
  const t = runs.map((x) => x.timings).filter(Boolean);
  const metricS = t.length ? mean(t.map((x) => x.metricSeconds)) : NaN;
  const valueS = t.length ? mean(t.map((x) => x.valueSeconds)) : NaN;
  rows.push([
    name,
    `${f4(mean(test))}±${f4(sd(test))}`,
    f4(mean(col('metricSplitAfter'))),
    f4(mean(col('twinAfter'))),
    paired(name, 'loss', 'after'),
    paired(name, 'es', 'after'),
    paired(name, 'es', 'twinAfter'),
    paired(name, 'weighted-ce', 'after'),
    col('tauMean').length ? f4(mean(col('tauMean'))) : '—',
    col('trustMean').length ? f4(mean(col('trustMean'))) : '—',
    `${f4(mean(col('wallSeconds')))}`,
    `${metricS.toFixed(3)}/${valueS.toFixed(3)}`,
  ]);
}
const head = ['method', 'test', 'metric split', 'twin', 'test gain vs loss', 'test gain vs es', 'twin gain vs es', 'test gain vs wce', 'τ', 'trust', 'wall s', 'metric s / V s'];
if (md) {
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} else {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  console.log(head.map((h, i) => h.padEnd(w[i])).join('  '));
  for (const row of rows) console.log(row.map((c, i) => String(c).padEnd(w[i])).join('  '));
}
