import { describe, expect, it, vi } from 'vitest';
import { buildReport } from './build-report.js';
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
