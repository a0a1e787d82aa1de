import { describe, expect, it, vi } from 'vitest';
import { buildReport } from './build-report.js';
import { ResultsBuilder } from '../results.js';
import { handResult } from './hand-result.fixture.js';

// Rendering loads vega and sharp: seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

const at = new Date('2026-01-02T03:04:05Z');

describe('buildReport', () => {
  it('is one offline page: method names, formatted numbers, inline SVG charts, settings and backend', async () => {
    const { html, charts } = await buildReport(handResult(), { backend: 'wasm', generatedAt: at });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('synthetic / long-tailed — balanced-error (lower is better)');
    expect(html).toContain('<td>loss</td>');
    expect(html).toContain('<td>metricopt</td>');
    // loss: before 0.31, after 0.27 ± 0.0141 (std of 0.28, 0.26); metricopt after 0.255 ± 0.0212
    expect(html).toContain('<td class="num">0.3100</td>');
    expect(html).toContain('0.2700 ± 0.0141');
    expect(html).toContain('0.2550 ± 0.0212');
    // paired: gains 0.01 and 0.02 → +0.0150 ± 0.0050, 2 wins
    expect(html).toContain('+0.0150 ± 0.0050');
    expect(html).toContain('2 / 0 / 0');
    expect(html).toContain('backend: wasm');
    expect(html).toContain('2026-01-02T03:04:05.000Z');
    // settings, escaped
    expect(html).toContain('<code>{&quot;sigma&quot;:0.05}</code>');
    expect(html).toContain('&lt;b&gt;escaped&lt;/b&gt;');
    expect(html).not.toContain('<b>escaped</b>');

    expect(charts.map((c) => c.file)).toEqual(['synthetic-curves.png', 'synthetic-final.png', 'synthetic-gains.png']);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
    for (const c of charts) expect(html).toContain(c.svg);

    // readable offline: nothing fetched, no scripts
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/<script|<link|@import/i);
  });

  it('prefers the backend recorded in the results', async () => {
    const { html } = await buildReport({ ...handResult(), backend: 'cpu' }, { backend: 'wasm', generatedAt: at });
    expect(html).toContain('backend: cpu');
  });

  it('works without curves: no curve chart, a note instead', async () => {
    const { html, charts } = await buildReport(handResult({ curves: false }), { generatedAt: at });
    expect(charts.map((c) => c.name)).toEqual(['final', 'gains']);
    expect(html).toContain('No metric-vs-step curves');
    expect(html).toContain('backend: not recorded');
  });

  it('puts several tasks on one page with distinct chart files and anchors', async () => {
    const other = { ...handResult(), task: 'detection', dataset: 'scenes' };
    const { html, charts } = await buildReport([handResult({ curves: false }), other, handResult({ curves: false })], { generatedAt: at });
    expect(charts.map((c) => c.file)).toEqual([
      'synthetic-final.png',
      'synthetic-gains.png',
      'detection-curves.png',
      'detection-final.png',
      'detection-gains.png',
      'synthetic-2-final.png',
      'synthetic-2-gains.png',
    ]);
    for (const id of ['task-synthetic', 'task-detection', 'task-synthetic-2']) {
      expect(html).toContain(`id="${id}"`);
      expect(html).toContain(`href="#${id}"`);
    }
  });
});

describe('buildReport with targets', () => {
  // Two targets, lower is better; gains are paired within a target:
  //   mlp  loss 0.40, 0.42 (0.4100 ± 0.0141)  metricopt 0.38, 0.39 (0.3850 ± 0.0071)  gains 0.02, 0.03 → +0.0250 ± 0.0050
  //   cnn  loss 0.20, 0.24 (0.2200 ± 0.0283)  metricopt 0.19, 0.21 (0.2000 ± 0.0141)  gains 0.01, 0.03 → +0.0200 ± 0.0100
  // Pooled, loss would read 0.3150: it must appear nowhere.
  const twoTargets = () => {
    const b = new ResultsBuilder({ task: 'transfer', dataset: 'fashion', metric: { name: 'error', higherIsBetter: false }, settings: { steps: 10 } });
    const run = (target: string, seed: number, before: number, after: number, curve: boolean) => ({
      target,
      seed,
      before,
      after,
      steps: 10,
      metricCalls: 5,
      wallSeconds: 1,
      ...(curve ? { curve: [{ step: 0, metric: before }, { step: 10, metric: after }] } : {}),
    });
    for (const [target, before, loss, mo] of [['mlp', 0.5, [0.4, 0.42], [0.38, 0.39]], ['cnn', 0.3, [0.2, 0.24], [0.19, 0.21]]] as const) {
      for (const [i, seed] of [1, 2].entries()) {
        b.addRun('loss', run(target, seed, before, loss[i]!, true));
        b.addRun('metricopt', run(target, seed, before, mo[i]!, false));
      }
    }
    return b.build();
  };
  const section = (html: string, id: string) => {
    const start = html.indexOf(`<section class="target" id="${id}">`);
    expect(start).toBeGreaterThanOrEqual(0);
    return html.slice(start, html.indexOf('</section>', start));
  };

  it('gives each target its own section with only its own runs, and never pools them', async () => {
    const { html, charts } = await buildReport(twoTargets(), { generatedAt: at });
    expect(html.match(/<section class="target"/g)).toHaveLength(2);
    expect(html).toContain('href="#target-transfer-mlp"');
    expect(html).toContain('href="#target-transfer-cnn"');
    const mlp = section(html, 'target-transfer-mlp');
    const cnn = section(html, 'target-transfer-cnn');
    expect(mlp).toContain('Target: mlp');
    expect(mlp).toContain('0.4100 ± 0.0141');
    expect(mlp).toContain('0.3850 ± 0.0071');
    expect(mlp).toContain('+0.0250 ± 0.0050');
    expect(mlp).toContain('<td class="num">0.5000</td>');
    expect(mlp).not.toContain('0.2200');
    expect(mlp).not.toContain('0.3000');
    expect(cnn).toContain('Target: cnn');
    expect(cnn).toContain('0.2200 ± 0.0283');
    expect(cnn).toContain('0.2000 ± 0.0141');
    expect(cnn).toContain('+0.0200 ± 0.0100');
    expect(cnn).not.toContain('0.4100');
    expect(cnn).not.toContain('0.5000');
    expect(html).not.toContain('0.3150');

    expect(charts.map((c) => c.file)).toEqual([
      'transfer-mlp-curves.png',
      'transfer-mlp-final.png',
      'transfer-mlp-gains.png',
      'transfer-cnn-curves.png',
      'transfer-cnn-final.png',
      'transfer-cnn-gains.png',
    ]);
    expect(charts.map((c) => c.target)).toEqual(['mlp', 'mlp', 'mlp', 'cnn', 'cnn', 'cnn']);
    for (const c of charts) expect((c.target === 'mlp' ? mlp : cnn)).toContain(c.svg);
    expect(charts[1]!.svg).toContain('target: mlp');
    expect(html.match(/<h3>Settings<\/h3>/g)).toHaveLength(1);
    // Runs without steps to target: no such column.
    expect(html).not.toContain('steps to target');
  });

  it('shows steps to target per method (mean ± std) and per run when the runs record them', async () => {
    const result = twoTargets();
    // mlp: loss reached its target at 4 and 8 steps, metricopt at 2 and never (the budget, 10).
    const steps: Record<string, number[]> = { 'mlp/loss': [4, 8], 'mlp/metricopt': [2, 10], 'cnn/loss': [6, 6], 'cnn/metricopt': [3, 5] };
    for (const [name, m] of Object.entries(result.methods)) for (const r of m.runs) r.stepsToTarget = steps[`${r.target}/${name}`]![r.seed - 1]!;
    const { html } = await buildReport(result, { generatedAt: at });
    const mlp = section(html, 'target-transfer-mlp');
    expect(mlp).toContain('<th class="num">steps to target (mean ± std)</th>');
    expect(mlp).toContain('<td class="num">6.0 ± 2.8</td>');
    expect(mlp).toContain('<td class="num">6.0 ± 5.7</td>');
    expect(section(html, 'target-transfer-cnn')).toContain('<td class="num">4.0 ± 1.4</td>');
    // Every-run table: after the run's steps (10), its steps to target.
    expect(mlp).toContain('<th class="num">steps to target</th>');
    for (const n of [4, 8, 2, 10]) expect(mlp).toContain(`<td class="num">10</td><td class="num">${n}</td><td class="num">5</td>`);
  });

  it('leaves a single-target result exactly as a result without targets', async () => {
    const plain = handResult({ curves: false });
    const single = { ...plain, methods: Object.fromEntries(Object.entries(plain.methods).map(([m, r]) => [m, { ...r, runs: r.runs.map((run) => ({ ...run, target: 'only' })) }])) };
    const a = await buildReport(plain, { generatedAt: at });
    const b = await buildReport(single, { generatedAt: at });
    expect(b.html).toBe(a.html);
    expect(a.html).not.toContain('class="target"');
    expect(b.charts.map((c) => c.file)).toEqual(a.charts.map((c) => c.file));
  });
});
