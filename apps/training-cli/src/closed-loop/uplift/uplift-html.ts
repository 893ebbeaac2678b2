import { percent, signed } from '../../cli/format';
import { ConfidenceInterval, Lift, UpliftReport } from './uplift';

/** One arm's action rate for each week of decisions: null for a week it made no decision in. */
export interface WeeklyRate {
  readonly arm: string;
  readonly rates: readonly (number | null)[];
}

/** A row of the forest plot: a lift, plain or CUPED, and what it compares. */
export interface ForestRow {
  readonly label: string;
  readonly kind: 'plain' | 'CUPED';
  readonly lift: Lift;
}

/** The lifts the page plots: nudged against holdout, then each variant against its control. */
export function forestRows(report: UpliftReport): ForestRow[] {
  const pair = (label: string, plain: Lift | null, cuped: Lift | null): ForestRow[] => [
    ...(plain === null ? [] : [{ label, kind: 'plain' as const, lift: plain }]),
    ...(cuped === null ? [] : [{ label, kind: 'CUPED' as const, lift: cuped }]),
  ];
  return [
    ...pair('treated vs holdout', report.absolute_lift, report.cuped),
    ...report.variants.flatMap((variant) =>
      pair(
        `${variant.experiment}=${variant.variant} vs ${variant.control}`,
        variant.absolute_lift,
        variant.absolute_lift === null ? null : variant.cuped,
      ),
    ),
  ];
}

/** Text in HTML and SVG: the config's keys are plain, but a page never trusts its data. */
function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Coordinates to 2 decimals: the page is the same bytes for the same report. */
const at = (value: number): string => String(Math.round(value * 100) / 100);

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

const FOREST = { width: 720, left: 230, right: 30, top: 20, row: 28, axis: 40 };

/** A linear scale from [low, high] to [from, to]. */
function scale(low: number, high: number, from: number, to: number): (value: number) => number {
  return (value) => from + ((value - low) / (high - low || 1)) * (to - from);
}

/**
 * The forest plot: each lift's 95% interval as a line (`interval`, CUPED ones `cuped`) and its
 * estimate as a dot, in percentage points, with a dashed line at no lift.
 */
export function forestPlot(rows: readonly ForestRow[]): string {
  const { width, left, right, top, row, axis } = FOREST;
  const height = top + rows.length * row + axis;
  const bounds = rows.flatMap(({ lift }) => [...lift.ci95, lift.estimate]).concat(0);
  const [low, high] = [Math.min(...bounds), Math.max(...bounds)];
  const pad = (high - low) * 0.05 || 0.01;
  const x = scale(low - pad, high + pad, left, width - right);
  const bottom = top + rows.length * row;
  const tickMarks = ticks((low - pad) * 100, (high + pad) * 100, 6).map(
    (value) =>
      `<g class="tick"><line x1="${at(x(value / 100))}" y1="${at(bottom)}" x2="${at(x(value / 100))}" y2="${at(bottom + 5)}"/><text x="${at(x(value / 100))}" y="${at(bottom + 18)}" text-anchor="middle">${tickLabel(value)}</text></g>`,
  );
  const marks = rows.map(({ label, kind, lift }, i) => {
    const y = top + i * row + row / 2;
    const [lo, hi] = lift.ci95;
    const title = `${label} (${kind}): ${points(lift.estimate)} points, 95% CI ${pointsInterval(lift.ci95)}`;
    return [
      `<g class="row ${kind === 'CUPED' ? 'cuped' : 'plain'}" data-label="${escape(label)}" data-kind="${kind}">`,
      `<title>${escape(title)}</title>`,
      `<text class="label" x="${left - 10}" y="${at(y + 4)}" text-anchor="end">${escape(label)} · ${kind}</text>`,
      `<line class="interval" x1="${at(x(lo))}" y1="${at(y)}" x2="${at(x(hi))}" y2="${at(y)}"/>`,
      `<circle class="estimate" cx="${at(x(lift.estimate))}" cy="${at(y)}" r="4"/>`,
      '</g>',
    ].join('');
  });
  return [
    `<svg id="forest" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Absolute lift with 95% intervals">`,
    `<line class="zero" x1="${at(x(0))}" y1="${top}" x2="${at(x(0))}" y2="${at(bottom)}"/>`,
    `<line class="axis" x1="${left}" y1="${at(bottom)}" x2="${width - right}" y2="${at(bottom)}"/>`,
    ...tickMarks,
    `<text class="axis-title" x="${at((left + width - right) / 2)}" y="${at(height - 4)}" text-anchor="middle">absolute lift, percentage points</text>`,
    ...marks,
    '</svg>',
  ].join('\n');
}

const LINES = { width: 720, height: 320, left: 60, right: 160, top: 20, bottom: 50 };
const COLOURS = ['#1b6ca8', '#d1495b', '#2e933c', '#edae49', '#6a4c93', '#00798c', '#8d6a9f'];

/** The weekly action rate of each arm: a line each (`series`), weeks of decisions along x. */
export function weeklyChart(weekly: readonly WeeklyRate[]): string {
  const { width, height, left, right, top, bottom } = LINES;
  const weeks = Math.max(1, ...weekly.map((arm) => arm.rates.length));
  const values = weekly.flatMap((arm) => arm.rates.filter((r): r is number => r !== null));
  const high = Math.max(0.01, ...values) * 1.1;
  const x = scale(1, Math.max(2, weeks), left, width - right);
  const y = scale(0, high, height - bottom, top);
  const yTicks = ticks(0, high * 100, 5).map(
    (value) =>
      `<g class="tick"><line x1="${left - 5}" y1="${at(y(value / 100))}" x2="${width - right}" y2="${at(y(value / 100))}"/><text x="${left - 8}" y="${at(y(value / 100) + 4)}" text-anchor="end">${value}%</text></g>`,
  );
  const xTicks = Array.from(
    { length: weeks },
    (_, w) =>
      `<text class="week" x="${at(x(w + 1))}" y="${height - bottom + 18}" text-anchor="middle">${w + 1}</text>`,
  );
  const series = weekly.map(({ arm, rates }, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = rates.flatMap((rate, w) => (rate === null ? [] : [[x(w + 1), y(rate), rate]]));
    const path = points.map(([px, py]) => `${at(px)},${at(py)}`).join(' ');
    const legendY = top + 10 + i * 20;
    return [
      `<g class="series" data-arm="${escape(arm)}" stroke="${colour}" fill="${colour}">`,
      `<polyline points="${path}" fill="none" stroke-width="2"/>`,
      ...points.map(
        ([px, py, rate], w) =>
          `<circle cx="${at(px)}" cy="${at(py)}" r="3"><title>${escape(arm)}, week ${w + 1}: ${percent(rate, 2)}</title></circle>`,
      ),
      `<line x1="${width - right + 15}" y1="${legendY}" x2="${width - right + 35}" y2="${legendY}" stroke-width="2"/>`,
      `<text class="legend" x="${width - right + 40}" y="${legendY + 4}" stroke="none">${escape(arm)}</text>`,
      '</g>',
    ].join('');
  });
  return [
    `<svg id="weekly" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Weekly action rate by arm">`,
    ...yTicks,
    ...xTicks,
    `<text class="axis-title" x="${at((left + width - right) / 2)}" y="${height - 8}" text-anchor="middle">week of decisions</text>`,
    ...series,
    '</svg>',
  ].join('\n');
}

const points = (share: number): string => signed(share * 100, 2);
const pointsInterval = ([low, high]: ConfidenceInterval): string =>
  `${points(low)} to ${points(high)}`;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 760px; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
svg { display: block; font-size: 12px; }
svg text { fill: #222; }
.zero { stroke: #888; stroke-dasharray: 4 3; }
.axis, .tick line { stroke: #bbb; }
.row .interval { stroke: #1b6ca8; stroke-width: 3; }
.row .estimate { fill: #1b6ca8; }
.row.cuped .interval { stroke: #d1495b; }
.row.cuped .estimate { fill: #d1495b; }
table { border-collapse: collapse; } td, th { padding: 0.2rem 0.6rem; text-align: right; }
td:first-child, th:first-child { text-align: left; }
`;

/**
 * `uplift --html`: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
 * the forest plot of every lift and the weekly action rate of every arm.
 */
export function upliftHtml(report: UpliftReport, weekly: readonly WeeklyRate[]): string {
  const rows = forestRows(report);
  const note =
    report.cuped === null
      ? `<p class="note">No CUPED estimate: ${escape(report.pre_period.unavailable ?? '')}.</p>`
      : `<p class="note">CUPED lowered the lift's variance by ${percent(report.cuped.variance_reduction, 1)}.</p>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<title>uplift</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>Uplift of nudging</h1>',
    `<p>Action rate: the share of decisions followed by an action of the same learner within ${report.window_days} days. Absolute lifts in percentage points with 95% intervals, plain (blue) and CUPED (red).</p>`,
    note,
    '<h2>Lift per arm and variant</h2>',
    forestPlot(rows),
    '<h2>Weekly action rate by arm</h2>',
    weeklyChart(weekly),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
