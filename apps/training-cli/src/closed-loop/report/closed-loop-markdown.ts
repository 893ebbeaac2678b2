import { CHART_FONT } from '../../cli/chart-renderer';
import { Estimate } from '../ope/ope';
import { ConfidenceInterval, Lift } from '../uplift/uplift';
import { ClosedLoopResults } from './closed-loop-results';
import { LOGGING_POLICY, NO_NUDGES } from './closed-loop-policies';

export const WEEKLY_CHART_FILE = 'closed_loop_weekly.png';

const pct = (share: number, digits = 2): string => `${(share * 100).toFixed(digits)}%`;
const points = (share: number): string =>
  `${share >= 0 ? '+' : '−'}${Math.abs(share * 100).toFixed(2)}`;
const interval = ([lo, hi]: ConfidenceInterval): string => `[${points(lo)}, ${points(hi)}]`;
const value = (v: number): string => v.toFixed(4);
const valueCi = ({ value: v, ci95: [lo, hi] }: Estimate) =>
  `${value(v)} [${value(lo)}, ${value(hi)}]`;
const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / values.length;
const covers = (measured: Lift, truth: number): boolean =>
  measured.ci95[0] <= truth && truth <= measured.ci95[1];

const width = ({ ci95: [lo, hi] }: Lift): number => hi - lo;

/**
 * CUPED beside the plain interval over the coverage runs: how often each covered the truth, and
 * how much narrower CUPED's intervals were on average (over the runs that have both).
 */
function cupedCoverage(coverage: ClosedLoopResults['coverage']): string[] {
  const both = coverage.flatMap((run) =>
    run.cuped === null ? [] : [{ ...run, cuped: run.cuped }],
  );
  if (both.length === 0) return ['', 'No run had a pre-period, so there is no CUPED estimate.'];
  const plainWidth = mean(both.map((run) => width(run.measured)));
  const cupedWidth = mean(both.map((run) => width(run.cuped)));
  const covered = both.filter((run) => covers(run.cuped, run.trueLift)).length;
  return [
    '',
    `With CUPED (each learner's pre-period action rate as covariate, \`uplift\`'s default), the`,
    `interval covered it in **${covered} of ${both.length}** runs. The mean width of the 95% interval`,
    `was ${(plainWidth * 100).toFixed(2)} points plain and ${(cupedWidth * 100).toFixed(2)} points with CUPED:`,
    `**${pct(1 - cupedWidth / plainWidth, 1)} narrower**.`,
  ];
}

/** The weekly action rate of each policy as a Vega-Lite line chart. */
export function weeklyRateChart(results: ClosedLoopResults): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Weekly action rate by policy',
      subtitle: `Share of learner-days with at least one action; ${results.options.users} simulated learners, seed ${results.options.seed}`,
      anchor: 'start',
      fontSize: 16,
      subtitleFontSize: 12,
    },
    width: 560,
    height: 300,
    background: 'white',
    data: {
      values: results.policies.flatMap(({ policy, weeklyRates }) =>
        weeklyRates.map((rate, week) => ({
          week: week + 1,
          rate: Number((rate * 100).toFixed(3)),
          policy: policy.label,
        })),
      ),
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'week', type: 'ordinal', title: 'Week', axis: { labelAngle: 0 } },
      y: {
        field: 'rate',
        type: 'quantitative',
        title: 'Learner-days with an action (%)',
        scale: { zero: false },
      },
      color: {
        field: 'policy',
        type: 'nominal',
        title: 'Policy',
        sort: null,
        legend: { orient: 'bottom', columns: 1, labelLimit: 0 },
      },
    },
    config: {
      font: CHART_FONT,
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12 },
    },
  };
}

/** reports/closed_loop.md: what was run, what it measured, and how far to trust it. */
export function closedLoopMarkdown(results: ClosedLoopResults): string {
  const { options, logging, policies, coverage } = results;
  const covered = coverage.filter((run) => covers(run.measured, run.trueLift)).length;
  const best = [...policies].sort((a, b) => b.value - a.value)[0];
  const noNudges = policies.find((p) => p.policy.key === NO_NUDGES)?.weeklyRates ?? [];
  const lines = [
    '# The closed loop, offline',
    '',
    `Written by \`npm run cli -- closed-loop-report\` (seed ${options.seed}); every number below`,
    'comes from that run and changes only with the code or the flags. A simulated platform',
    '(`simulate-platform`, [docs/closed-loop.md](../docs/closed-loop.md)) serves',
    `${options.users} learners for ${options.days} days; their actions follow a story whose true`,
    'effects are known, so each measurement can be set beside its truth.',
    '',
    '## The policies',
    '',
    '| policy | config changes | models |',
    '| ------ | -------------- | ------ |',
    ...[...policies.map((p) => p.policy), LOGGING_POLICY].map(
      (p) =>
        `| ${p.label} | ${Object.keys(p.overrides).length === 0 ? '—' : `\`${JSON.stringify(p.overrides)}\``} | ${p.models} |`,
    ),
    '',
    '## Weekly action rate',
    '',
    `![Weekly action rate by policy](${WEEKLY_CHART_FILE})`,
    '',
    '| policy | ' +
      policies[0].weeklyRates.map((_, w) => `week ${w + 1}`).join(' | ') +
      ' | true value (reward per decision) |',
    '| ------ | ' + policies[0].weeklyRates.map(() => '---:').join(' | ') + ' | ---: |',
    ...policies.map(
      (p) =>
        `| ${p.policy.label} | ${p.weeklyRates.map((r) => pct(r)).join(' | ')} | ${value(p.value)} |`,
    ),
    '',
    `The highest true value is **${best.policy.label}** (${value(best.value)} per decision).`,
    'The value is not causal: it credits any action that matches the top nudge, prompted or',
    "not, so a policy that keeps showing a learner's habit scores well. What nudges add shows in",
    'the action rate against no nudges, after the first week (mean of weeks 2 on, in points):',
    '',
    ...policies.map(
      (p) =>
        `- ${p.policy.label}: ${points(mean(p.weeklyRates.slice(1)) - mean(noNudges.slice(1)))}`,
    ),
    '',
    '## Measured lift against the holdout',
    '',
    `The logging policy, ${LOGGING_POLICY.label}, ran with a 10% holdout. \`uplift\` on its logs`,
    `measures an absolute lift of ${points(logging.measured.estimate)} points, 95% CI`,
    `${interval(logging.measured.ci95)}; the simulated truth (every learner lived twice, with and`,
    `without nudges) is ${points(logging.trueLift)} points, ${covers(logging.measured, logging.trueLift) ? 'inside' : '**outside**'} the interval.`,
    '',
    `Over ${coverage.length} seeds (${options.coverageUsers} learners × ${options.coverageDays} days,`,
    `a 20% holdout), the 95% interval covered the true lift in **${covered} of ${coverage.length}** runs:`,
    ...cupedCoverage(coverage),
    '',
    '| seed | true lift | measured | 95% CI | covered | CUPED | CUPED 95% CI | covered |',
    '| ---: | ---: | ---: | --- | :---: | ---: | --- | :---: |',
    ...coverage.map(
      (run) =>
        `| ${run.seed} | ${points(run.trueLift)} | ${points(run.measured.estimate)} | ${interval(run.measured.ci95)} | ${covers(run.measured, run.trueLift) ? 'yes' : 'no'} | ${run.cuped === null ? '— | — | —' : `${points(run.cuped.estimate)} | ${interval(run.cuped.ci95)} | ${covers(run.cuped, run.trueLift) ? 'yes' : 'no'}`} |`,
    ),
    '',
    '## Off-policy estimates against the truth',
    '',
    'Each policy is estimated from the logging policy’s logs alone (`ope`, clip 10, 1,000',
    'bootstrap resamples), in reward per decision, beside its simulated value when it runs:',
    '',
    '| policy | true value | IPS [95% CI] | SNIPS [95% CI] | DR [95% CI] |',
    '| ------ | ---: | ---: | ---: | ---: |',
    ...policies.map(({ policy, value: truth, ope }) =>
      'refused' in ope
        ? `| ${policy.label} | ${value(truth)} | not estimable from these logs: ${ope.refused} | | |`
        : `| ${policy.label} | ${value(truth)} | ${valueCi(ope.ips)} | ${valueCi(ope.snips)} | ${valueCi(ope.dr)} |`,
    ),
    '',
    `The logging policy's own true value: ${value(logging.value)}.`,
    '',
    'The truth of a policy is what happens when it runs for the whole period, learners changing',
    'as they act; the estimates reweigh the contexts the logging policy met. Where a candidate',
    'changes what learners do, and so the contexts themselves, the two can differ beyond the',
    'interval, which only covers the resampling noise.',
    '',
    '## Models retrained from the logs',
    '',
    '```text',
    results.retraining,
    '```',
    '',
  ];
  return lines.join('\n');
}
