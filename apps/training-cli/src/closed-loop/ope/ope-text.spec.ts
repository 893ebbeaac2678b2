import { OpeReport } from './ope';
import { opeText } from './ope-text';

const REPORT: OpeReport = {
  ips: { value: 0.72666, ci95: [0.31, 1.05] },
  snips: { value: 0.91597, ci95: [0.5, 1] },
  dr: { value: 0.90833, ci95: [0.7, 1.08] },
  decisions: 5,
  held_out: 1,
  logged_value: 0.6,
  mean_weight: 0.79333,
  clipped_share: 0.2,
  unsupported_share: 0.004,
  clip: 10,
  reward_days: 1,
  bootstrap: 1000,
  seed: 1,
};

describe(opeText.name, () => {
  it('tabulates the estimators, then the logging policy, the weights and the resamples', () => {
    expect(opeText(REPORT, 'candidate.json (rules only)')).toEqual([
      "value of the candidate policy candidate.json (rules only): its mean reward per decision, a reward being the top nudge's action done within 1 day (the decision's day)",
      '',
      'estimator   value            95% CI',
      'IPS        0.7267  0.3100 to 1.0500',
      'SNIPS      0.9160  0.5000 to 1.0000',
      'DR         0.9083  0.7000 to 1.0800',
      '',
      'logging policy: 0.6000 (the mean logged reward)',
      'decisions: 5 not held out (1 held-out decision left out); mean weight 0.793, 20.0% clipped at 10; 0.4% without support',
      '95% CIs: percentiles of 1000 bootstrap resamples of the decisions, seed 1',
    ]);
  });

  it('names the days of a longer reward window', () => {
    const sut = opeText({ ...REPORT, reward_days: 3, held_out: 2 }, 'c.json (models v1)');
    expect(sut[0]).toBe(
      "value of the candidate policy c.json (models v1): its mean reward per decision, a reward being the top nudge's action done within 3 days (the decision's day and the 2 days after)",
    );
    expect(sut[8]).toMatch(/^decisions: 5 not held out \(2 held-out decisions left out\);/);
  });
});
