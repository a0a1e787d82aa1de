// Prints the sweep table of synthetic-sweep.md from results/*.json: per result file its flags (rebuilt from the
// recorded knobs and settings) and, per MetricOpt-like method, the test balanced error and paired gains (positive =
// better) vs es and weighted-ce of the base file with the same seeds (T-base for tuning seeds, C-final/C20-final).
// Usage: node make-log.mjs [prefix]
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('./results/', import.meta.url);
const prefix = process.argv[2] ?? '';
const load = (f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const se = (v) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1) / v.length);

function flags(s) {
  const out = [];
  const k = s.knobs ?? {};
  const map = { lambda: '--lambda', sigma: '--sigma', esLearningRate: '--es-lr', conflict: '--conflict', mixing: '--mixing', lossGroups: '--loss-groups' };
  for (const [key, flag] of Object.entries(map)) if (k[key] !== undefined) out.push(`${flag} ${k[key]}`);
  if (k.groupRidge !== undefined) out.push(`--group-ridge ${[k.groupRidge].flat().join(',')}`);
  if (k.gp?.window) out.push(`--gp-window ${k.gp.window}`);
  if (k.gp?.lengthscaleMultipliers) out.push(`--gp-lengthscales ${k.gp.lengthscaleMultipliers.join(',')}`);
  if (k.gp?.noiseGrid) out.push(`--gp-noise ${k.gp.noiseGrid.join(',')}`);
  if (k.gp?.differences) out.push(`--gp-differences ${k.gp.differences}`);
  if (k.gp?.reselectEvery) out.push(`--gp-reselect-every ${k.gp.reselectEvery}`);
  if (k.trust?.ref) out.push(`--trust-ref ${k.trust.ref}`);
  if (k.trust?.fixed !== undefined) out.push(`--trust-fixed ${k.trust.fixed}`);
  if (k.guide) out.push(`--guide-share ${k.guide.share}${k.guide.directions ? ` --guide-directions ${k.guide.directions.join(',')}` : ''}`);
  if (k.valueStep) out.push(`--value-lr ${k.valueStep.learningRate}`);
  if (s.learningRate !== 1e-3) out.push(`--lr ${s.learningRate}`);
  return out.join(' ') || '(defaults)';
}

function paired(runs, baseRuns) {
  const b = new Map(baseRuns.map((r) => [r.seed, r]));
  const g = runs.filter((r) => b.has(r.seed)).map((r) => ({ test: b.get(r.seed).after - r.after, twin: b.get(r.seed).twinAfter - r.twinAfter }));
  if (g.length < 2) return null;
  const t = g.map((x) => x.test);
  const w = g.map((x) => x.twin);
  return `${mean(t) >= 0 ? '+' : ''}${mean(t).toFixed(4)}±${se(t).toFixed(4)} (${t.filter((x) => x > 0).length}/${t.filter((x) => x < 0).length}); twin ${mean(w) >= 0 ? '+' : ''}${mean(w).toFixed(4)}`;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f.startsWith(prefix)).sort();
const bases = { 100: load('T-base.json'), 0: null };
console.log('| result | flags | method | seeds | test | vs es (test, paired; wins/losses; twin) | vs weighted-ce |');
console.log('|---|---|---|---|---|---|---|');
for (const f of files) {
  const r = load(f);
  const s = r.settings ?? {};
  const seeds = s.seeds ?? [];
  const offset = s.seedOffset ?? 0;
  const base = offset === 100 ? bases[100] : seeds.length > 5 ? load('C20-final.json') : load('C-final.json');
  for (const [name, m] of Object.entries(r.methods)) {
    const esRuns = base?.methods.es?.runs ?? r.methods.es?.runs;
    const wceRuns = base?.methods['weighted-ce']?.runs ?? r.methods['weighted-ce']?.runs;
    const vsEs = name === 'es' && ['T-base.json', 'C-final.json', 'C20-final.json'].includes(f) ? '—' : esRuns ? paired(m.runs, esRuns) : null;
    const vsWce = name.startsWith('weighted-ce+') && wceRuns ? paired(m.runs, wceRuns) : '';
    const test = m.runs.map((x) => x.after);
    console.log(`| ${f.replace('.json', '')} | \`${flags(s)}\` | ${name} | ${seeds[0]}–${seeds.at(-1)} | ${mean(test).toFixed(4)}±${(se(test) * Math.sqrt(test.length)).toFixed(4)} | ${vsEs ?? ''} | ${vsWce ?? ''} |`);
  }
}
