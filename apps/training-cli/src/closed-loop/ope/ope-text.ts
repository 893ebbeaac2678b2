import { percent, plural, table } from '../../cli/format';
import { Estimate, OpeReport } from './ope';

const fixed = (value: number): string => value.toFixed(4);

const estimateCells = (name: string, { value, ci95 }: Estimate): string[] => [
  name,
  fixed(value),
  `${fixed(ci95[0])} to ${fixed(ci95[1])}`,
];

/** The report as a person reads it: what is estimated, the estimators' table, then the weights. */
export function opeText(report: OpeReport, candidate: string): string[] {
  const days = report.reward_days;
  return [
    `value of the candidate policy ${candidate}: its mean reward per decision, a reward being the top nudge's action done within ${plural(days, 'day')} (the decision's day${days > 1 ? ` and the ${plural(days - 1, 'day')} after` : ''})`,
    '',
    ...table([
      ['estimator', 'value', '95% CI'],
      estimateCells('IPS', report.ips),
      estimateCells('SNIPS', report.snips),
      estimateCells('DR', report.dr),
    ]),
    '',
    `logging policy: ${fixed(report.logged_value)} (the mean logged reward)`,
    `decisions: ${report.decisions} not held out (${plural(report.held_out, 'held-out decision')} left out); mean weight ${report.mean_weight.toFixed(3)}, ${percent(report.clipped_share, 1)} clipped at ${report.clip}; ${percent(report.unsupported_share, 1)} without support`,
    `95% CIs: percentiles of ${report.bootstrap} bootstrap resamples of the decisions, seed ${report.seed}`,
  ];
}
