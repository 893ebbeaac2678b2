/**
 * The pieces the commands' HTML pages are drawn with: inline SVG, no script, nothing fetched, and
 * the same bytes for the same numbers (coordinates to 2 decimals).
 */

/** Text in HTML and SVG: the config's keys are plain, but a page never trusts its data. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Coordinates to 2 decimals: the page is the same bytes for the same report. */
export const at = (value: number): string => String(Math.round(value * 100) / 100);

/** Round tick values spanning [low, high], about `count` of them. */
export function ticks(low: number, high: number, count: number): number[] {
  const span = high - low || Math.abs(high) || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const values: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) {
    values.push(Number((Math.round(v / step) * step).toPrecision(10)));
  }
  return values;
}

/** A tick's value as written: signed, without the float's noise. */
function tickLabel(value: number): string {
  const clean = Number(value.toPrecision(10));
  return `${clean > 0 ? '+' : ''}${clean}`;
}

/** A linear scale from [low, high] to [from, to]. */
export function linearScale(
  low: number,
  high: number,
  from: number,
  to: number,
): (value: number) => number {
  return (value) => from + ((value - low) / (high - low || 1)) * (to - from);
}

/** One row of an interval plot: an estimate and its 95% interval, as shares. */
export interface IntervalRow {
  readonly label: string;
  /** Written after the label, and kept as the row's data-kind. */
  readonly kind: string;
  /** The CSS class that colours the row. */
  readonly className: string;
  /** The row's tooltip. */
  readonly title: string;
  readonly estimate: number;
  readonly ci95: readonly [number, number];
}

export interface IntervalPlotOptions {
  readonly id: string;
  readonly ariaLabel: string;
  readonly axisTitle: string;
}

const FOREST = { width: 720, left: 230, right: 30, top: 20, row: 28, axis: 40 };

/**
 * A forest plot: each row's 95% interval as a line (`interval`) and its estimate as a dot, in
 * percentage points along x, with a dashed line at 0.
 */
export function intervalPlot(rows: readonly IntervalRow[], options: IntervalPlotOptions): string {
  const { width, left, right, top, row, axis } = FOREST;
  const height = top + rows.length * row + axis;
  const bounds = rows.flatMap(({ estimate, ci95 }) => [...ci95, estimate]).concat(0);
  const [low, high] = [Math.min(...bounds), Math.max(...bounds)];
  const pad = (high - low) * 0.05 || 0.01;
  const x = linearScale(low - pad, high + pad, left, width - right);
  const bottom = top + rows.length * row;
  const tickMarks = ticks((low - pad) * 100, (high + pad) * 100, 6).map(
    (value) =>
      `<g class="tick"><line x1="${at(x(value / 100))}" y1="${at(bottom)}" x2="${at(x(value / 100))}" y2="${at(bottom + 5)}"/><text x="${at(x(value / 100))}" y="${at(bottom + 18)}" text-anchor="middle">${tickLabel(value)}</text></g>`,
  );
  const marks = rows.map(({ label, kind, className, title, estimate, ci95 }, i) => {
    const y = top + i * row + row / 2;
    const [lo, hi] = ci95;
    return [
      `<g class="row ${className}" data-label="${escapeHtml(label)}" data-kind="${escapeHtml(kind)}">`,
      `<title>${escapeHtml(title)}</title>`,
      `<text class="label" x="${left - 10}" y="${at(y + 4)}" text-anchor="end">${escapeHtml(label)} · ${escapeHtml(kind)}</text>`,
      `<line class="interval" x1="${at(x(lo))}" y1="${at(y)}" x2="${at(x(hi))}" y2="${at(y)}"/>`,
      `<circle class="estimate" cx="${at(x(estimate))}" cy="${at(y)}" r="4"/>`,
      '</g>',
    ].join('');
  });
  return [
    `<svg id="${options.id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.ariaLabel)}">`,
    `<line class="zero" x1="${at(x(0))}" y1="${top}" x2="${at(x(0))}" y2="${at(bottom)}"/>`,
    `<line class="axis" x1="${left}" y1="${at(bottom)}" x2="${width - right}" y2="${at(bottom)}"/>`,
    ...tickMarks,
    `<text class="axis-title" x="${at((left + width - right) / 2)}" y="${at(height - 4)}" text-anchor="middle">${escapeHtml(options.axisTitle)}</text>`,
    ...marks,
    '</svg>',
  ].join('\n');
}

/** The style every page shares; a page adds its rows' colours. */
export const PAGE_STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 760px; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
svg { display: block; font-size: 12px; }
svg text { fill: #222; }
.zero { stroke: #888; stroke-dasharray: 4 3; }
.axis, .tick line { stroke: #bbb; }
table { border-collapse: collapse; } td, th { padding: 0.2rem 0.6rem; text-align: right; }
td:first-child, th:first-child { text-align: left; }
`;

/** A whole page: the doctype, the title, the style, the body's lines. */
export function htmlPage(title: string, style: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
