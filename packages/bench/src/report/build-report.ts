import type { TopLevelSpec } from 'vega-lite';
import { meanStd, type BenchResult, type RunRecord } from '../results.js';
import { curveChartSpec, finalChartSpec, gainChartSpec } from './chart-specs.js';
import { readCurve } from './curve.js';
import { REPORT_CSS, escapeHtml, fmt, htmlTable } from './html.js';
import { formatGain, pairedComparisons } from './paired-summary.js';
import { renderChartSvg } from './render-chart.js';

export type ReportChartName = 'curves' | 'final' | 'gains';

/** One rendered chart of a report; `file` is its PNG name under `charts/` (`<task>-<name>.png`). */
export interface ReportChart {
  task: string;
  name: ReportChartName;
  file: string;
  spec: TopLevelSpec;
  svg: string;
}

export interface ReportOptions {
  /** The method gains are measured against (default `loss`). */
  baseline?: string;
  /** The TensorFlow.js backend the runs used, when the results do not record it (`backend` field). */
  backend?: string;
  /** Page heading (default: "MetricOpt bench report"). */
  title?: string;
  /** Stamped in the page (default now). */
  generatedAt?: Date;
}

export interface BuiltReport {
  html: string;
  charts: ReportChart[];
}

/**
 * A self-contained HTML report of one bench or several (the demo): per task, the results table,
 * the paired comparison, metric-vs-step curves, final bars with error bars, paired gains, the
 * settings and the backend. Charts are Vega-Lite rendered to inline SVG; no script, no external
 * URL, so the page reads offline.
 *
 * ```ts
 * const { html, charts } = await buildReport(results, { backend: 'wasm' });
 * await writeFile('report.html', html);
 * ```
 */
export async function buildReport(results: BenchResult | readonly BenchResult[], options: ReportOptions = {}): Promise<BuiltReport> {
  const list: readonly BenchResult[] = Array.isArray(results) ? results : [results as BenchResult];
  const baseline = options.baseline ?? 'loss';
  const generatedAt = options.generatedAt ?? new Date();
  const charts: ReportChart[] = [];
  const sections: string[] = [];
  const usedKeys = new Set<string>();
  const keys = list.map((r) => uniqueKey(r.task, usedKeys));
  for (const [i, result] of list.entries()) {
    const key = keys[i]!;
    const specs: [ReportChartName, TopLevelSpec | null][] = [
      ['curves', curveChartSpec(result)],
      ['final', finalChartSpec(result)],
      ['gains', gainChartSpec(result, baseline)],
    ];
    const own: ReportChart[] = [];
    for (const [name, spec] of specs) {
      if (spec === null) continue;
      own.push({ task: result.task, name, file: `${key}-${name}.png`, spec, svg: await renderChartSvg(spec) });
    }
    charts.push(...own);
    sections.push(taskSection(result, key, own, baseline, options.backend));
  }
  const title = options.title ?? 'MetricOpt bench report';
  const toc =
    list.length > 1
      ? `<p class="meta">Tasks: ${list.map((r, i) => `<a href="#task-${escapeHtml(keys[i]!)}">${escapeHtml(r.task)}</a>`).join(' · ')}</p>`
      : '';
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(list.length === 1 ? `${title} — ${list[0]!.task} / ${list[0]!.dataset}` : title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Generated ${escapeHtml(generatedAt.toISOString())}${options.backend ? ` · backend: ${escapeHtml(options.backend)}` : ''}</p>
${toc}
</header>
${sections.join('\n')}
<footer>Every method starts from the same pretrained model with the same budget, per seed. Gains are paired by seed; positive means better whatever the metric's direction.</footer>
</body>
</html>
`;
  return { html, charts };
}

function uniqueKey(task: string, used: Set<string>): string {
  const slug = task.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'task';
  let key = slug;
  for (let i = 2; used.has(key); i++) key = `${slug}-${i}`;
  used.add(key);
  return key;
}

function taskSection(result: BenchResult, key: string, charts: ReportChart[], baseline: string, backendOption?: string): string {
  const methods = Object.keys(result.methods);
  const seeds = [...new Set(methods.flatMap((m) => result.methods[m]!.runs.map((r) => r.seed)))].sort((a, b) => a - b);
  const direction = result.metric.higherIsBetter ? 'higher is better' : 'lower is better';
  const backend = typeof result.backend === 'string' ? result.backend : (backendOption ?? 'not recorded');
  const chart = (name: ReportChartName) => charts.find((c) => c.name === name);
  const figure = (c: ReportChart | undefined) => (c === undefined ? '' : `<figure id="${escapeHtml(`${key}-${c.name}`)}">${c.svg}</figure>`);
  const curves = chart('curves');
  const hasCurves = methods.some((m) => result.methods[m]!.runs.some((r) => readCurve(r) !== null));
  return `<section id="task-${escapeHtml(key)}">
<h2>${escapeHtml(result.task)} / ${escapeHtml(result.dataset)} — ${escapeHtml(result.metric.name)} (${direction})</h2>
<p class="meta">${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${escapeHtml(seeds.join(', '))}) · methods: ${escapeHtml(methods.join(', '))} · backend: ${escapeHtml(backend)}</p>
<h3>Results</h3>
${resultsTable(result)}
${runsDetails(result)}
<h3>Paired comparison vs ${escapeHtml(baseline)}</h3>
${pairedTable(result, baseline)}
<h3>Charts</h3>
<div class="charts">
${figure(curves)}
${hasCurves ? '' : '<p class="note">No metric-vs-step curves: these runs were recorded without per-round history.</p>'}
${figure(chart('final'))}
${figure(chart('gains'))}
</div>
<h3>Settings</h3>
${settingsTable(result, backend)}
</section>`;
}

function meanOf(runs: readonly RunRecord[], field: string): number | null {
  const values = runs.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length === 0 ? null : meanStd(values).mean;
}

function resultsTable(result: BenchResult): string {
  const header = ['method', 'before', 'after (mean ± std)', 'metric split after', 'twin after', 'τ', 'trust', 'metric calls', 'wall s'];
  const rows = Object.entries(result.methods).map(([name, m]) => [
    escapeHtml(name),
    fmt(meanOf(m.runs, 'before')),
    `${fmt(m.after.mean)} ± ${fmt(m.after.std)}`,
    fmt(meanOf(m.runs, 'metricSplitAfter')),
    fmt(meanOf(m.runs, 'twinAfter')),
    fmt(meanOf(m.runs, 'tauMean'), 3),
    fmt(meanOf(m.runs, 'trustMean'), 3),
    fmt(meanOf(m.runs, 'metricCalls'), 0),
    fmt(meanOf(m.runs, 'wallSeconds'), 1),
  ]);
  return htmlTable(header, rows, [false, true, true, true, true, true, true, true, true]);
}

function runsDetails(result: BenchResult): string {
  const header = ['method', 'seed', 'before', 'after', 'metric split after', 'twin after', 'steps', 'metric calls', 'wall s'];
  const rows = Object.entries(result.methods).flatMap(([name, m]) =>
    m.runs.map((r) => [
      escapeHtml(name),
      String(r.seed),
      fmt(r.before),
      fmt(r.after),
      fmt(r.metricSplitAfter),
      fmt(r.twinAfter),
      String(r.steps),
      String(r.metricCalls),
      fmt(r.wallSeconds, 1),
    ]),
  );
  return `<details><summary>Every run (${rows.length})</summary>\n${htmlTable(header, rows, [false, true, true, true, true, true, true, true, true])}\n</details>`;
}

function pairedTable(result: BenchResult, baseline: string): string {
  const tests = pairedComparisons(result, baseline);
  if (tests.length === 0) return `<p class="note">Nothing to compare: ${result.methods[baseline] === undefined ? `no '${escapeHtml(baseline)}' runs` : 'one method only'}.</p>`;
  const twins = new Map(pairedComparisons(result, baseline, 'twinAfter').map((p) => [p.method, p]));
  const header = ['method', 'mean gain ± SE (test)', 'wins / losses / ties', 'seeds', ...(twins.size > 0 ? ['mean gain ± SE (twin)'] : [])];
  const rows = tests.map((p) => {
    const cls = p.meanGain > 0 ? 'better' : p.meanGain < 0 ? 'worse' : '';
    const twin = twins.get(p.method);
    return [
      escapeHtml(p.method),
      `<span class="${cls}">${escapeHtml(formatGain(p))}</span>`,
      `${p.wins} / ${p.losses} / ${p.ties}`,
      String(p.seeds.length),
      ...(twins.size > 0 ? [twin === undefined ? '—' : escapeHtml(formatGain(twin))] : []),
    ];
  });
  return `${htmlTable(header, rows, [false, true, true, true, true])}
<p class="meta">Gain = improvement in test ${escapeHtml(result.metric.name)} over ${escapeHtml(baseline)} on the same seed (positive = better); SE = sample std of the gains / √seeds (— with one seed). The twin split is drawn like the metric split but never observed: a gain that holds there is not split noise.</p>`;
}

function settingsTable(result: BenchResult, backend: string): string {
  const entries: [string, unknown][] = [
    ['task', result.task],
    ['dataset', result.dataset],
    ['metric', `${result.metric.name} (${result.metric.higherIsBetter ? 'higher' : 'lower'} is better)`],
    ['backend', backend],
    ...Object.entries(result.settings ?? {}),
  ];
  const rows = entries.map(([k, v]) => [escapeHtml(k), typeof v === 'string' ? escapeHtml(v) : `<code>${escapeHtml(JSON.stringify(v) ?? String(v))}</code>`]);
  return htmlTable(['setting', 'value'], rows);
}
