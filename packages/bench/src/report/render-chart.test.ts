import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { finalChartSpec } from './chart-specs.js';
import { handResult } from './hand-result.fixture.js';
import { renderChartPng, renderChartSvg } from './render-chart.js';

// Rendering loads vega and sharp: seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 30_000 });

describe('renderChartSvg / renderChartPng', () => {
  it('renders a Vega-Lite spec to a standalone SVG and that to a valid PNG at the scale asked', async () => {
    const svg = await renderChartSvg(finalChartSpec(handResult()));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('metricopt');
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBeGreaterThan(100);
    const png = await renderChartPng(svg, 2);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(2 * width);
  });

  it('refuses to fetch data from a URL', async () => {
    await expect(renderChartSvg({ data: { url: 'https://example.com/x.json' }, mark: 'point' })).rejects.toThrow(/offline/);
  });
});
