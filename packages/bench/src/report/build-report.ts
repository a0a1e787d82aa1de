import type { TopLevelSpec } from 'vega-lite';
import { meanStd, type BenchResult, type RunRecord } from '../results.js';
import { resultForTarget, resultTargets } from '../results-targets.js';
import { curveChartSpec, finalChartSpec, gainChartSpec } from './chart-specs.js';
import { readCurve } from './curve.js';
import { REPORT_CSS, escapeHtml, fmt, htmlTable } from './html.js';
import { formatGain, pairedComparisons } from './paired-summary.js';
import { renderChartSvg } from './render-chart.js';

export type ReportChartName = 'curves' | 'final' | 'gains';

/**
 * One rendered chart of a report; `file` is its PNG name under `charts/` (`<task>-<name>.png`,
 * or `<task>-<target>-<name>.png` for a bench whose runs name several targets).
 */
export interface ReportChart {
  task: string;
  /** The target the chart shows, when the bench has several (charts never pool targets). */
  target?: string;
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
 * settings and the backend. A bench whose runs name several targets (`run.target`) gets these
 * per target, in one subsection each: runs of different targets are never pooled. Charts are Vega-Lite rendered to inline SVG; no script, no external
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
    const targets = resultTargets(result);
    if (targets.length < 2) {
      const own = await renderCharts(result, key, baseline);
      charts.push(...own);
      sections.push(taskSection(result, key, own, baseline, options.backend));
      continue;
    }
    // Runs on different targets are different problems: each gets its own tables and charts.
    const usedTargetKeys = new Set<string>();
    const parts: TargetPart[] = [];
    for (const target of targets) {
      const part = resultForTarget(result, target);
      const partKey = `${key}-${uniqueKey(target, usedTargetKeys)}`;
      const own = await renderCharts(part, partKey, baseline, target);
      charts.push(...own);
      parts.push({ target, key: partKey, result: part, charts: own });
    }
    sections.push(targetsSection(result, key, parts, baseline, options.backend));
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

/** The charts of one result (or one target's part of it), named `<fileKey>-<chart>.png`. */
async function renderCharts(result: BenchResult, fileKey: string, baseline: string, target?: string): Promise<ReportChart[]> {
  const specs: [ReportChartName, TopLevelSpec | null][] = [
    ['curves', curveChartSpec(result)],
    ['final', finalChartSpec(result)],
    ['gains', gainChartSpec(result, baseline)],
  ];
  const own: ReportChart[] = [];
  for (const [name, raw] of specs) {
    if (raw === null) continue;
    const spec = target === undefined ? raw : subtitledWithTarget(raw, target);
    own.push({ task: result.task, ...(target === undefined ? {} : { target }), name, file: `${fileKey}-${name}.png`, spec, svg: await renderChartSvg(spec) });
  }
  return own;
}

/** The spec with `target: <name>` first in its subtitle, so a chart's PNG says which target it shows on its own. */
function subtitledWithTarget(spec: TopLevelSpec, target: string): TopLevelSpec {
  const title = spec.title;
  if (title === undefined || typeof title === 'string' || Array.isArray(title)) return spec;
  const subtitle = title.subtitle === undefined ? [] : typeof title.subtitle === 'string' ? [title.subtitle] : [...title.subtitle];
  return { ...spec, title: { ...title, subtitle: [`target: ${target}`, ...subtitle] } } as TopLevelSpec;
}

interface TargetPart {
  target: string;
  key: string;
  result: BenchResult;
  charts: ReportChart[];
}

function backendOf(result: BenchResult, backendOption?: string): string {
  return typeof result.backend === 'string' ? result.backend : (backendOption ?? 'not recorded');
}

function taskHeading(result: BenchResult): string {
  const direction = result.metric.higherIsBetter ? 'higher is better' : 'lower is better';
  return `<h2>${escapeHtml(result.task)} / ${escapeHtml(result.dataset)} — ${escapeHtml(result.metric.name)} (${direction})</h2>`;
}

/** Seeds and methods of a result (or a target's part of it), for the line under a heading. */
function seedsAndMethods(result: BenchResult): string {
  const methods = Object.keys(result.methods);
  const seeds = [...new Set(methods.flatMap((m) => result.methods[m]!.runs.map((r) => r.seed)))].sort((a, b) => a - b);
  return `${seeds.length} seed${seeds.length === 1 ? '' : 's'} (${escapeHtml(seeds.join(', '))}) · methods: ${escapeHtml(methods.join(', '))}`;
}

function taskSection(result: BenchResult, key: string, charts: ReportChart[], baseline: string, backendOption?: string): string {
  const backend = backendOf(result, backendOption);
  return `<section id="task-${escapeHtml(key)}">
${taskHeading(result)}
<p class="meta">${seedsAndMethods(result)} · backend: ${escapeHtml(backend)}</p>
${resultBody(result, key, charts, baseline, 'h3')}
<h3>Settings</h3>
${settingsTable(result, backend)}
</section>`;
}

/** A bench whose runs name several targets: one subsection per target (results, paired comparison, charts), the settings once. */
function targetsSection(result: BenchResult, key: string, parts: TargetPart[], baseline: string, backendOption?: string): string {
  const backend = backendOf(result, backendOption);
  const links = parts.map((p) => `<a href="#target-${escapeHtml(p.key)}">${escapeHtml(p.target)}</a>`).join(' · ');
  const subsections = parts.map(
    (p) => `<section class="target" id="target-${escapeHtml(p.key)}">
<h3>Target: ${escapeHtml(p.target)}</h3>
<p class="meta">${seedsAndMethods(p.result)}</p>
${resultBody(p.result, p.key, p.charts, baseline, 'h4')}
</section>`,
  );
  return `<section id="task-${escapeHtml(key)}">
${taskHeading(result)}
<p class="meta">${seedsAndMethods(result)} · backend: ${escapeHtml(backend)}</p>
<p class="meta">Targets (each its own problem; never pooled): ${links}</p>
${subsections.join('\n')}
<h3>Settings</h3>
${settingsTable(result, backend)}
</section>`;
}

/** Results table, every run, paired comparison and charts of one result, under `level` headings. */
function resultBody(result: BenchResult, key: string, charts: ReportChart[], baseline: string, level: 'h3' | 'h4'): string {
  const methods = Object.keys(result.methods);
  const chart = (name: ReportChartName) => charts.find((c) => c.name === name);
  const figure = (c: ReportChart | undefined) => (c === undefined ? '' : `<figure id="${escapeHtml(`${key}-${c.name}`)}">${c.svg}</figure>`);
  const curves = chart('curves');
  const hasCurves = methods.some((m) => result.methods[m]!.runs.some((r) => readCurve(r) !== null));
  return `<${level}>Results</${level}>
${resultsTable(result)}
${runsDetails(result)}
<${level}>Paired comparison vs ${escapeHtml(baseline)}</${level}>
${pairedTable(result, baseline)}
<${level}>Charts</${level}>
<div class="charts">
${figure(curves)}
${hasCurves ? '' : '<p class="note">No metric-vs-step curves: these runs were recorded without per-round history.</p>'}
${figure(chart('final'))}
${figure(chart('gains'))}
</div>`;
}

function meanOf(runs: readonly RunRecord[], field: string): number | null {
  const values = runs.map((r) => r[field]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return values.length === 0 ? null : meanStd(values).mean;
}

/** Whether any run records its steps to target (bench transfer): the tables then show them. */
function hasSteps(result: BenchResult): boolean {
  return Object.values(result.methods).some((m) => m.runs.some((r) => typeof r.stepsToTarget === 'number'));
}

function resultsTable(result: BenchResult): string {
  const steps = hasSteps(result);
  const header = ['method', 'before', 'after (mean ± std)', 'metric split after', 'twin after', ...(steps ? ['steps to target (mean ± std)'] : []), 'τ', 'trust', 'metric calls', 'wall s'];
  const rows = Object.entries(result.methods).map(([name, m]) => {
    const reached = m.runs.map((r) => r.stepsToTarget).filter((v): v is number => typeof v === 'number');
    const stepsCell = reached.length === 0 ? '—' : `${fmt(meanStd(reached).mean, 1)} ± ${fmt(meanStd(reached).std, 1)}`;
    return [
      escapeHtml(name),
      fmt(meanOf(m.runs, 'before')),
      `${fmt(m.after.mean)} ± ${fmt(m.after.std)}`,
      fmt(meanOf(m.runs, 'metricSplitAfter')),
      fmt(meanOf(m.runs, 'twinAfter')),
      ...(steps ? [stepsCell] : []),
      fmt(meanOf(m.runs, 'tauMean'), 3),
      fmt(meanOf(m.runs, 'trustMean'), 3),
      fmt(meanOf(m.runs, 'metricCalls'), 0),
      fmt(meanOf(m.runs, 'wallSeconds'), 1),
    ];
  });
  return htmlTable(header, rows, [false, ...header.slice(1).map(() => true)]);
}

function runsDetails(result: BenchResult): string {
  const steps = hasSteps(result);
  const header = ['method', 'seed', 'before', 'after', 'metric split after', 'twin after', 'steps', ...(steps ? ['steps to target'] : []), 'metric calls', 'wall s'];
  const rows = Object.entries(result.methods).flatMap(([name, m]) =>
    m.runs.map((r) => [
      escapeHtml(name),
      String(r.seed),
      fmt(r.before),
      fmt(r.after),
      fmt(r.metricSplitAfter),
      fmt(r.twinAfter),
      String(r.steps),
      ...(steps ? [typeof r.stepsToTarget === 'number' ? String(r.stepsToTarget) : '—'] : []),
      String(r.metricCalls),
      fmt(r.wallSeconds, 1),
    ]),
  );
  return `<details><summary>Every run (${rows.length})</summary>\n${htmlTable(header, rows, [false, ...header.slice(1).map(() => true)])}\n</details>`;
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
