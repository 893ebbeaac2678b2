import { OpeReport } from './ope';
import { opeText } from './ope-text';

const estimate = (value: number, low: number, high: number) => ({
  value,
  ci95: [low, high] as const,
});

const REPORT: OpeReport = {
  ips: estimate(0.72666, 0.31, 1.05),
  snips: estimate(0.91597, 0.5, 1),
  dr: estimate(0.90833, 0.7, 1.08),
  baseline: {
    policy: 'the logging policy, logging.json (rules only)',
    ips: estimate(0.6, 0.4, 0.8),
    snips: estimate(0.6, 0.4, 0.8),
    dr: estimate(0.61, 0.41, 0.81),
  },
  difference: {
    ips: estimate(0.12666, -0.1, 0.3),
    snips: estimate(0.31597, 0.01, 0.5),
    dr: estimate(0.29833, 0.05, 0.45),
  },
  diagnostics: {
    effective_sample_size: 412.4,
    max_weight: 12.5,
    mean_weight: 0.79333,
    clipped_share: 0.2,
    unsupported_share: 0,
    history_dependent_share: 0,
  },
  decisions: 500,
  learners: 480,
  held_out: 1,
  logged_value: 0.6,
  clip: 100,
  reward_days: 1,
  bootstrap: 1000,
  folds: 5,
  seed: 1,
};

describe(opeText.name, () => {
  it('tabulates candidate, baseline and difference, then the logs, the weights and the resamples', () => {
    expect(opeText(REPORT, 'candidate.json (rules only)')).toEqual([
      "value of the candidate policy candidate.json (rules only): its mean outcome per decision, an outcome being any nudgeable action within 1 day (the decision's day), whatever was sent",
      'baseline: the logging policy, logging.json (rules only)',
      '',
      'estimator  candidate            95% CI  baseline  difference              95% CI',
      'IPS           0.7267  0.3100 to 1.0500    0.6000     +0.1267  −0.1000 to +0.3000',
      'SNIPS         0.9160  0.5000 to 1.0000    0.6000     +0.3160  +0.0100 to +0.5000',
      'DR            0.9083  0.7000 to 1.0800    0.6100     +0.2983  +0.0500 to +0.4500',
      '',
      'logging policy: 0.6000 (the mean logged outcome)',
      'decisions: 500 not held out, from 480 learners (1 held-out decision left out)',
      'weights (pseudo-inverse, per slot): effective sample 412, largest 12.50, mean 0.793, 20.0% clipped at 100; 0.0% without support',
      "95% CIs: percentiles of 1000 bootstrap resamples of the learners, seed 1; DR's reward model cross-fitted over 5 folds of learners",
    ]);
  });

  it('names the days of a longer reward window', () => {
    const sut = opeText({ ...REPORT, reward_days: 3 }, 'c.json (models v1)');
    expect(sut[0]).toBe(
      "value of the candidate policy c.json (models v1): its mean outcome per decision, an outcome being any nudgeable action within 3 days (the decision's day and the 2 days after), whatever was sent",
    );
  });

  it('warns of a small effective sample, history the candidate would change, and missing support', () => {
    const sut = opeText(
      {
        ...REPORT,
        diagnostics: {
          ...REPORT.diagnostics,
          effective_sample_size: 25.2,
          history_dependent_share: 0.125,
          unsupported_share: 0.004,
        },
      },
      'c.json',
    );
    expect(sut.slice(12)).toEqual([
      'warning: the weights leave an effective sample of 25 decisions; the intervals are wide and may be too narrow',
      "warning: on 12.5% of decisions the candidate's choice reads the delivery history (cooldowns, the weekly cap, the recency penalty); sending otherwise, it would have met other histories there, which these logs cannot show",
      "warning: 0.40% of the candidate's probability is on slates the logging policy never sends; those count as no outcome",
    ]);
  });
});
