/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A table from a header and rows of already-escaped cell HTML; numeric-looking columns align right via the `num` class. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const cls = (i: number) => (numeric[i] ? ' class="num"' : '');
  const head = header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A number with fixed digits, or an em dash for a missing value. */
export function fmt(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** The page's stylesheet: inlined, no web fonts, readable printed and on screen. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1.5rem; color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 2px solid #ddd; padding-bottom: 0.3rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
h4 { font-size: 0.98rem; margin-top: 1.2rem; }
section.target { border-left: 3px solid #e3e3e3; padding-left: 1rem; margin-top: 1.5rem; }
.meta { color: #555; font-size: 0.92rem; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { padding: 0.28rem 0.7rem; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td code { font-size: 0.85rem; word-break: break-all; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
.note { color: #666; font-style: italic; }
.better { color: #17663a; }
.worse { color: #a12a2a; }
details { margin: 0.5rem 0 1rem; }
summary { cursor: pointer; color: #333; }
footer { margin-top: 3rem; color: #777; font-size: 0.85rem; }
`;
