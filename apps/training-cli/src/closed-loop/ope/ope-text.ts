import { percent, plural, table, withSign } from '../../cli/format';
import { Estimate, OpeReport } from './ope';

const fixed = (value: number): string => value.toFixed(4);
const signed = (value: number): string => withSign(value, 4);
const interval = ([low, high]: readonly [number, number], format: (v: number) => string) =>
  `${format(low)} to ${format(high)}`;

const row = (name: string, candidate: Estimate, baseline: Estimate, difference: Estimate) => [
  name,
  fixed(candidate.value),
  interval(candidate.ci95, fixed),
  fixed(baseline.value),
  signed(difference.value),
  interval(difference.ci95, signed),
];

/** Below this effective sample size the estimate rests on a handful of decisions. */
const FEW_DECISIONS = 100;

/** Warnings a reviewer must see before trusting the numbers. */
export function opeWarnings(report: OpeReport): string[] {
  const { diagnostics: d } = report;
  const lines: string[] = [];
  if (d.effective_sample_size < FEW_DECISIONS) {
    lines.push(
      `warning: the weights leave an effective sample of ${d.effective_sample_size.toFixed(0)} decisions; the intervals are wide and may be too narrow`,
    );
  }
  if (d.history_dependent_share > 0) {
    lines.push(
      `warning: on ${percent(d.history_dependent_share, 1)} of decisions the candidate's choice reads the delivery history (cooldowns, the weekly cap, the recency penalty); sending otherwise, it would have met other histories there, which these logs cannot show`,
    );
  }
  if (d.unsupported_share > 0) {
    lines.push(
      `warning: ${percent(d.unsupported_share, 2)} of the candidate's probability is on slates the logging policy never sends; those count as no outcome`,
    );
  }
  return lines;
}

/** The report as a person reads it: what is estimated, the estimators' table, then the weights. */
export function opeText(report: OpeReport, candidate: string): string[] {
  const days = report.reward_days;
  const d = report.diagnostics;
  return [
    `value of the candidate policy ${candidate}: its mean outcome per decision, an outcome being any nudgeable action within ${plural(days, 'day')} (the decision's day${days > 1 ? ` and the ${plural(days - 1, 'day')} after` : ''}), whatever was sent`,
    `baseline: ${report.baseline.policy}`,
    '',
    ...table([
      ['estimator', 'candidate', '95% CI', 'baseline', 'difference', '95% CI'],
      row('IPS', report.ips, report.baseline.ips, report.difference.ips),
      row('SNIPS', report.snips, report.baseline.snips, report.difference.snips),
      row('DR', report.dr, report.baseline.dr, report.difference.dr),
    ]),
    '',
    `logging policy: ${fixed(report.logged_value)} (the mean logged outcome)`,
    `decisions: ${report.decisions} not held out, from ${plural(report.learners, 'learner')} (${plural(report.held_out, 'held-out decision')} left out)`,
    `weights (pseudo-inverse, per slot): effective sample ${d.effective_sample_size.toFixed(0)}, largest ${d.max_weight.toFixed(2)}, mean ${d.mean_weight.toFixed(3)}, ${percent(d.clipped_share, 1)} clipped at ${report.clip}; ${percent(d.unsupported_share, 1)} without support`,
    `95% CIs: percentiles of ${report.bootstrap} bootstrap resamples of the learners, seed ${report.seed}; DR's reward model cross-fitted over ${report.folds} folds of learners`,
    ...opeWarnings(report),
  ];
}
