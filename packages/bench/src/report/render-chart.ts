import type { TopLevelSpec } from 'vega-lite';

/**
 * Compiles a Vega-Lite spec to Vega and renders it headlessly (no canvas, no DOM) to a
 * standalone SVG string. The libraries load on first use so the CLI starts without them.
 *
 * ```ts
 * const svg = await renderChartSvg(finalChartSpec(results));   // '<svg xmlns=... class="marks" ...'
 * ```
 */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec).spec;
  // A loader that refuses every fetch: charts carry their data inline and a report never goes online.
  const loader = vega.loader();
  loader.load = (uri: string) => Promise.reject(new Error(`charts are rendered offline; refusing to load ${uri}`));
  // Vega logs dataflow errors and failed loads (as warnings) and renders on: collect them and fail instead.
  const errors: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (method: string, _level: string, input: readonly unknown[]) => {
    const text = [...input].map((x) => (x instanceof Error ? x.message : String(x))).join(' ');
    if (method === 'error' || text.startsWith('Loading failed')) errors.push(text);
  });
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logger });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`chart rendering failed: ${errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG with sharp at `scale` × its CSS size (2 = crisp on high-density screens). */
export async function renderChartPng(svg: string, scale = 2): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(svg, 'utf8'), { density: 72 * scale }).png().toBuffer();
}
