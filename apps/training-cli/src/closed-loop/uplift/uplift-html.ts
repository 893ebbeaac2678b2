import { percent, signed } from '../../cli/format';
import {
  at,
  escapeHtml,
  htmlPage,
  intervalPlot,
  linearScale,
  PAGE_STYLE,
  ticks,
} from '../../cli/html-charts';

export { ticks };
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

/**
 * The forest plot: each lift's 95% interval as a line (`interval`, CUPED ones `cuped`) and its
 * estimate as a dot, in percentage points, with a dashed line at no lift.
 */
export function forestPlot(rows: readonly ForestRow[]): string {
  return intervalPlot(
    rows.map(({ label, kind, lift }) => ({
      label,
      kind,
      className: kind === 'CUPED' ? 'cuped' : 'plain',
      title: `${label} (${kind}): ${points(lift.estimate)} points, 95% CI ${pointsInterval(lift.ci95)}`,
      estimate: lift.estimate,
      ci95: lift.ci95,
    })),
    {
      id: 'forest',
      ariaLabel: 'Absolute lift with 95% intervals',
      axisTitle: 'absolute lift, percentage points',
    },
  );
}

const LINES = { width: 720, height: 320, left: 60, right: 160, top: 20, bottom: 50 };
const COLOURS = ['#1b6ca8', '#d1495b', '#2e933c', '#edae49', '#6a4c93', '#00798c', '#8d6a9f'];

/** The weekly action rate of each arm: a line each (`series`), weeks of decisions along x. */
export function weeklyChart(weekly: readonly WeeklyRate[]): string {
  const { width, height, left, right, top, bottom } = LINES;
  const weeks = Math.max(1, ...weekly.map((arm) => arm.rates.length));
  const values = weekly.flatMap((arm) => arm.rates.filter((r): r is number => r !== null));
  const high = Math.max(0.01, ...values) * 1.1;
  const x = linearScale(1, Math.max(2, weeks), left, width - right);
  const y = linearScale(0, high, height - bottom, top);
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
      `<g class="series" data-arm="${escapeHtml(arm)}" stroke="${colour}" fill="${colour}">`,
      `<polyline points="${path}" fill="none" stroke-width="2"/>`,
      ...points.map(
        ([px, py, rate], w) =>
          `<circle cx="${at(px)}" cy="${at(py)}" r="3"><title>${escapeHtml(arm)}, week ${w + 1}: ${percent(rate, 2)}</title></circle>`,
      ),
      `<line x1="${width - right + 15}" y1="${legendY}" x2="${width - right + 35}" y2="${legendY}" stroke-width="2"/>`,
      `<text class="legend" x="${width - right + 40}" y="${legendY + 4}" stroke="none">${escapeHtml(arm)}</text>`,
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

const STYLE = `${PAGE_STYLE}.row .interval { stroke: #1b6ca8; stroke-width: 3; }
.row .estimate { fill: #1b6ca8; }
.row.cuped .interval { stroke: #d1495b; }
.row.cuped .estimate { fill: #d1495b; }
`;

/**
 * `uplift --html`: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
 * the forest plot of every lift and the weekly action rate of every arm.
 */
export function upliftHtml(report: UpliftReport, weekly: readonly WeeklyRate[]): string {
  const rows = forestRows(report);
  const note =
    report.cuped === null
      ? `<p class="note">No CUPED estimate: ${escapeHtml(report.pre_period.unavailable ?? '')}.</p>`
      : `<p class="note">CUPED lowered the lift's variance by ${percent(report.cuped.variance_reduction, 1)}.</p>`;
  return htmlPage('uplift', STYLE, [
    '<h1>Uplift of nudging</h1>',
    `<p>Action rate: the share of decisions followed by an action of the same learner within ${report.window_days} days. Absolute lifts in percentage points with 95% intervals, plain (blue) and CUPED (red).</p>`,
    note,
    '<h2>Lift per arm and variant</h2>',
    forestPlot(rows),
    '<h2>Weekly action rate by arm</h2>',
    weeklyChart(weekly),
  ]);
}
