import { percent, signed } from '../../cli/format';
import { escapeHtml, htmlPage, intervalPlot, IntervalRow, PAGE_STYLE } from '../../cli/html-charts';
import { Estimate, Estimator, OpeReport } from './ope';
import { opeWarnings } from './ope-text';

const ESTIMATORS: readonly [Estimator, string][] = [
  ['ips', 'IPS'],
  ['snips', 'SNIPS'],
  ['dr', 'DR'],
];

const points = (share: number): string => signed(share * 100, 2);
const row = (label: string, kind: string, className: string, { value, ci95 }: Estimate) => ({
  label,
  kind,
  className,
  title: `${label} (${kind}): ${points(value)} points, 95% CI ${points(ci95[0])} to ${points(ci95[1])}`,
  estimate: value,
  ci95,
});

/** Each estimator's value of the candidate, then the baseline's beside it. */
export function valueRows(report: OpeReport): IntervalRow[] {
  return ESTIMATORS.flatMap(([estimator, name]) => [
    row(name, 'candidate', 'candidate', report[estimator]),
    row(name, 'baseline', 'baseline', report.baseline[estimator]),
  ]);
}

/** Each estimator's candidate − baseline. */
export function differenceRows(report: OpeReport): IntervalRow[] {
  return ESTIMATORS.map(([estimator, name]) =>
    row(name, 'difference', 'difference', report.difference[estimator]),
  );
}

const STYLE = `${PAGE_STYLE}.row .interval { stroke-width: 3; }
.row.candidate .interval { stroke: #1b6ca8; } .row.candidate .estimate { fill: #1b6ca8; }
.row.baseline .interval { stroke: #888; } .row.baseline .estimate { fill: #888; }
.row.difference .interval { stroke: #2e933c; } .row.difference .estimate { fill: #2e933c; }
.warning { color: #a33; }
`;

const fixed = (value: number) => value.toFixed(4);

/**
 * `ope --html`: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
 * each estimate of the candidate beside the baseline's, their difference, and the diagnostics.
 */
export function opeHtml(report: OpeReport, candidate: string): string {
  const d = report.diagnostics;
  const table = [
    '<table>',
    '<tr><th>estimator</th><th>candidate</th><th>95% CI</th><th>baseline</th><th>difference</th><th>95% CI</th></tr>',
    ...ESTIMATORS.map(([estimator, name]) => {
      const [c, b, diff] = [
        report[estimator],
        report.baseline[estimator],
        report.difference[estimator],
      ];
      return `<tr><td>${name}</td><td>${fixed(c.value)}</td><td>${fixed(c.ci95[0])} to ${fixed(c.ci95[1])}</td><td>${fixed(b.value)}</td><td>${signed(diff.value, 4)}</td><td>${signed(diff.ci95[0], 4)} to ${signed(diff.ci95[1], 4)}</td></tr>`;
    }),
    '</table>',
  ].join('\n');
  return htmlPage('ope', STYLE, [
    '<h1>Off-policy evaluation</h1>',
    `<p>Candidate: ${escapeHtml(candidate)}. Baseline: ${escapeHtml(report.baseline.policy)}.</p>`,
    `<p>Value: the mean outcome per decision (any nudgeable action within ${report.reward_days} day(s)), over ${report.decisions} decisions of ${report.learners} learners not held out; 95% intervals from ${report.bootstrap} bootstrap resamples of learners.</p>`,
    ...opeWarnings(report).map((line) => `<p class="warning">${escapeHtml(line)}</p>`),
    '<h2>The candidate beside the baseline</h2>',
    intervalPlot(valueRows(report), {
      id: 'values',
      ariaLabel: 'Value per decision of the candidate and the baseline, with 95% intervals',
      axisTitle: 'mean outcome per decision, percent',
    }),
    '<h2>Candidate − baseline</h2>',
    intervalPlot(differenceRows(report), {
      id: 'difference',
      ariaLabel: 'Difference of values with paired 95% intervals',
      axisTitle: 'difference, percentage points',
    }),
    '<h2>Estimates</h2>',
    table,
    '<h2>Diagnostics</h2>',
    `<p>Effective sample ${d.effective_sample_size.toFixed(0)} of ${report.decisions} decisions; largest weight ${d.max_weight.toFixed(2)}; mean weight ${d.mean_weight.toFixed(3)}; ${percent(d.clipped_share, 1)} clipped at ${report.clip}; ${percent(d.unsupported_share, 1)} without support; ${percent(d.history_dependent_share, 1)} of decisions history-dependent.</p>`,
  ]);
}
