import { CHART_FONT } from '../../cli/chart-renderer';
import { withSign } from '../../cli/format';
import { Estimate, Estimator } from '../ope/ope';
import { ConfidenceInterval, Lift } from '../uplift/uplift';
import { ClosedLoopResults, PolicyResult } from './closed-loop-results';
import {
  CoverageCell,
  coverageCells,
  COVERAGE_TARGET,
  OPE_CANDIDATES,
  OPE_LOGGING_POLICY,
} from './ope-coverage';
import { LOGGING_POLICY, NO_NUDGES } from '../cycles/closed-loop-policies';
import { cyclesMarkdown } from '../cycles/cycles-markdown';
import { CYCLES_DEFAULTS } from '../cycles/cycles.service';

export const WEEKLY_CHART_FILE = 'closed_loop_weekly.png';

const pct = (share: number, digits = 2): string => `${(share * 100).toFixed(digits)}%`;
const points = (share: number): string => withSign(share * 100, 2);
const interval = ([lo, hi]: ConfidenceInterval): string => `[${points(lo)}, ${points(hi)}]`;
const value = (v: number): string => v.toFixed(4);
const valueCi = ({ value: v, ci95: [lo, hi] }: Estimate) =>
  `${value(v)} [${value(lo)}, ${value(hi)}]`;
const mean = (values: readonly number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / values.length;
const signedValue = (v: number): string => withSign(v, 4);
const signedCi = ({ value: v, ci95: [lo, hi] }: Estimate) =>
  `${signedValue(v)} [${signedValue(lo)}, ${signedValue(hi)}]`;
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

/** "+1.23" points per decision, from a share. */
const lift = (share: number): string => points(share);

/** The policy section: what each policy adds over sending nothing, and which adds most. */
function policySection(results: ClosedLoopResults): string[] {
  const { policies } = results;
  const ranked = [...policies]
    .filter((p) => p.policy.key !== NO_NUDGES)
    .sort((a, b) => b.truth.lift - a.truth.lift);
  const [best, second] = ranked;
  const perNudge = (p: PolicyResult) =>
    p.truth.nudgesPerDecision === 0 ? 0 : p.truth.lift / p.truth.nudgesPerDecision;
  return [
    '## What each policy adds',
    '',
    'A decision’s outcome is 1 when the learner does any of the four nudgeable actions that day,',
    'whatever was sent; a policy’s value is its mean outcome per decision over the learners it',
    'serves, and its lift is that value minus the same learners’ value in the world without',
    'nudges (every learner is lived twice on the same random numbers). The lift is what the',
    'policy causes; a habit the learner would have followed anyway adds nothing.',
    '',
    '| policy | nudges per decision | learners who muted | value | value without nudges | lift (points) | lift per nudge (points) |',
    '| ------ | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...policies.map(
      (p) =>
        `| ${p.policy.label} | ${p.truth.nudgesPerDecision.toFixed(2)} | ${p.truth.mutedLearners} | ${value(p.truth.value)} | ${value(p.truth.noNudgeValue)} | ${lift(p.truth.lift)} | ${lift(perNudge(p))} |`,
    ),
    '',
    ...(best === undefined
      ? []
      : [
          `**${best.policy.label}** adds the most: ${lift(best.truth.lift)} points per decision,`,
          `from ${best.truth.nudgesPerDecision.toFixed(2)} nudges per decision (${lift(perNudge(best))} points each), with`,
          `${best.truth.mutedLearners} learners muting nudges.` +
            (second === undefined
              ? ''
              : ` Next comes ${second.policy.label}: ${lift(second.truth.lift)} points from ${second.truth.nudgesPerDecision.toFixed(2)} nudges per decision (${lift(perNudge(second))} each), ${second.truth.mutedLearners} learners muting.`),
          'A nudge adds less the more of them a learner has had lately (crowding and muting in the',
          'story), and adds nothing for a learner who acts anyway; so what separates the policies',
          'is how many nudges they spend and on whom, which the lift per nudge shows.',
        ]),
    '',
  ];
}

function weeklySection(results: ClosedLoopResults): string[] {
  const { policies } = results;
  return [
    '## Weekly action rate',
    '',
    `![Weekly action rate by policy](${WEEKLY_CHART_FILE})`,
    '',
    'Share of the served learners’ days with at least one action:',
    '',
    '| policy | ' + policies[0].weeklyRates.map((_, w) => `week ${w + 1}`).join(' | ') + ' |',
    '| ------ | ' + policies[0].weeklyRates.map(() => '---:').join(' | ') + ' |',
    ...policies.map(
      (p) => `| ${p.policy.label} | ${p.weeklyRates.map((r) => pct(r)).join(' | ')} |`,
    ),
    '',
  ];
}

function upliftSection(results: ClosedLoopResults): string[] {
  const { options, logging, coverage } = results;
  const covered = coverage.filter((run) => covers(run.measured, run.trueLift)).length;
  return [
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
  ];
}

function opeSection(results: ClosedLoopResults): string[] {
  const { policies, logging } = results;
  const share = (s: number) => pct(s, 1);
  return [
    '## Off-policy estimates from the logging policy’s logs',
    '',
    'Each policy estimated from the logging policy’s 28 days of logs alone (`ope`: pseudo-inverse',
    'slate weights, cross-fitted DR, 1,000 bootstrap resamples of learners), beside its simulated',
    `value when it runs; the difference is against the logging policy (true value ${value(logging.value)}).`,
    '',
    '| policy | true value | SNIPS [95% CI] | DR [95% CI] | DR − logging [95% CI] | effective sample | history-dependent decisions |',
    '| ------ | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...policies.map(({ policy, truth, ope }) =>
      'refused' in ope
        ? `| ${policy.label} | ${value(truth.value)} | refused: ${ope.refused} | | | | |`
        : `| ${policy.label} | ${value(truth.value)} | ${valueCi(ope.snips)} | ${valueCi(ope.dr)} | ${signedCi(ope.difference.dr)} | ${ope.diagnostics.effective_sample_size.toFixed(0)} | ${share(ope.diagnostics.history_dependent_share)} |`,
    ),
    '',
    'Over 28 days these estimates answer a narrower question than the truth: what each policy',
    'would have earned in the contexts the logging policy created. A policy that sends',
    'otherwise creates other histories (cooldowns, the weekly cap, muting), and on the',
    'history-dependent decisions its choice reads them; the intervals cover the resampling',
    'noise, not that difference. The coverage runs below remove it with 1-day logs.',
    '',
  ];
}

function opeCoverageSection(results: ClosedLoopResults): string[] {
  const { options } = results;
  const cells = coverageCells(results.opeCoverage);
  const storyName = (path: string) => path.replace(/^.*\//, '').replace(/\.json$/, '');
  const label = (key: string) => OPE_CANDIDATES.find((c) => c.key === key)?.label ?? key;
  const count = (cell: CoverageCell, estimator: Estimator) =>
    `${cell.covered[estimator]}/${cell.runs - cell.refused}`;
  const width = (w: number) => (Number.isNaN(w) ? '—' : w.toFixed(3));
  const met = cells.filter((cell) => cell.met).length;
  const refusals = results.opeCoverage.filter((run) => 'refused' in run.estimates);
  return [
    '## Off-policy coverage',
    '',
    `On 1-day runs of ${options.opeCoverageUsers} learners (no history, so the logs show every context a`,
    `candidate would meet) logged by ${OPE_LOGGING_POLICY.label}, each candidate's simulated value`,
    `is set beside \`ope\`'s 95% intervals, over ${options.opeCoverageSeeds} seeds and ${options.stories.length} stories with`,
    'different heterogeneity. The target: SNIPS and DR each cover the truth in at least',
    `${Math.round(COVERAGE_TARGET * 20)} of 20 seeds, or the candidate is refused with its reason.`,
    '',
    '| story | candidate | mean true value | refused | IPS covered | SNIPS covered | DR covered | SNIPS width | DR width | verdict |',
    '| ----- | --------- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...cells.map(
      (cell) =>
        `| ${storyName(cell.story)} | ${label(cell.candidate)} | ${value(cell.meanTruth)} | ${cell.refused} | ${count(cell, 'ips')} | ${count(cell, 'snips')} | ${count(cell, 'dr')} | ${width(cell.width.snips)} | ${width(cell.width.dr)} | ${cell.met ? 'met' : '**missed**'} |`,
    ),
    '',
    `The target is met in **${met} of ${cells.length}** cells. A width is the mean length of the 95% interval in`,
    'outcome per decision.',
    ...(refusals.length === 0
      ? []
      : [
          '',
          `A refusal, as \`ope\` words it: “${(refusals[0].estimates as { refused: string }).refused}”`,
        ]),
    '',
  ];
}

/** reports/closed_loop.md: what was run, what it measured, and how far to trust it. */
/** The loop as a platform runs it: months, uplift sets, promotions, and every policy's true lift. */
function cyclesSection(results: ClosedLoopResults): string[] {
  const { options } = results;
  return [
    '## The loop, cycle by cycle: uplift against propensity',
    '',
    `Per seed (${options.cycleSeeds}): a month of ${options.users} learners under the serving policy with ε = ${CYCLES_DEFAULTS.epsilon}, \`train --from-log --objective uplift\` on it, \`promote\` of that set against the serving one, then the next month under the winner (${options.cycles} months). \`npm run bench:uplift\` runs the same loop at 10,000 learners on all three stories (\`reports/uplift_cycles.md\`).`,
    '',
    ...cyclesMarkdown(results.cycleRuns),
  ];
}

export function closedLoopMarkdown(results: ClosedLoopResults): string {
  const { options, policies } = results;
  const lines = [
    '# The closed loop, offline',
    '',
    `Written by \`npm run cli -- closed-loop-report\` (seed ${options.seed}); every number below`,
    'comes from that run and changes only with the code or the flags. A simulated platform',
    '(`simulate-platform`, [docs/closed-loop.md](../docs/closed-loop.md)) serves',
    `${options.users} learners for ${options.days} days; their actions follow a story whose true`,
    'effects are known (the committed default story: learners who differ in how a nudge moves',
    'them), so each measurement can be set beside its truth.',
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
    ...policySection(results),
    ...weeklySection(results),
    ...upliftSection(results),
    ...opeSection(results),
    ...opeCoverageSection(results),
    '## Models retrained from the logs',
    '',
    '```text',
    results.retraining,
    '```',
    '',
    `\`promote\` of the propensity set retrained from the logs against the deployed one, on those logs: ${results.retrainedPromotion}`,
    '',
    ...cyclesSection(results),
  ];
  return lines.join('\n');
}
