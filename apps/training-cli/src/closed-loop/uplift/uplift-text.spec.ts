import { UpliftReport } from './uplift';
import { upliftText } from './uplift-text';

const REPORT: UpliftReport = {
  window_days: 7,
  arms: [
    { arm: 'holdout', learners: 4, decisions: 8, acted: 2, rate: 0.25, ci95: [0.1, 0.4] },
    { arm: 'treated', learners: 30, decisions: 600, acted: 300, rate: 0.5, ci95: [0.45, 0.55] },
    { arm: 'tone=warm', learners: 1, decisions: 3, acted: 2, rate: 2 / 3, ci95: null },
  ],
  absolute_lift: { estimate: 0.25, ci95: [-0.1106, 0.6106] },
  relative_lift: { estimate: 1, ci95: [-1.117, 3.117] },
  power: { mde: 0.51549, target: null },
  srm: { chi2: 0.4567, df: 2, p_value: 0.7958, flagged: false },
};

describe(upliftText.name, () => {
  it('tabulates the arms, then the lifts and the sample ratio test', () => {
    expect(upliftText(REPORT)).toEqual([
      "action rate: the share of decisions followed by an action of the same learner within 7 days (the decision's day and the 6 days after)",
      '',
      'arm        learners  decisions  followed by an action  action rate            95% CI',
      'holdout           4          8                      2       25.00%  10.00% to 40.00%',
      'treated          30        600                    300       50.00%  45.00% to 55.00%',
      'tone=warm         1          3                      2       66.67%   n/a (1 learner)',
      '',
      'absolute lift: +25.00 percentage points (95% CI -11.06 to +61.06)',
      'relative lift: +100.0% (95% CI -111.7% to +311.7%)',
      'minimum detectable lift: 51.55 percentage points (80% power, 5% two-sided) with 4 held-out learners',
      'sample ratio: χ² = 0.46 with 2 degrees of freedom, p = 0.7958',
    ]);
  });

  it('sizes the holdout for a target lift, or says the learners are too few', () => {
    const sized = upliftText({
      ...REPORT,
      power: { mde: 0.5, target: { lift: 0.02, holdout_share: 0.1234 } },
    });
    const tooFew = upliftText({
      ...REPORT,
      power: { mde: 0.5, target: { lift: 0.005, holdout_share: null } },
    });

    expect(sized.slice(-3, -1)).toEqual([
      'minimum detectable lift: 50.00 percentage points (80% power, 5% two-sided) with 4 held-out learners',
      'a lift of 2.00 points: needs a holdout of 12.3% of these learners',
    ]);
    expect(tooFew[tooFew.length - 2]).toBe(
      'a lift of 0.50 points: no holdout share of these learners detects it; it needs more learners',
    );
  });

  it('says when relative lift has no base and when the split is off', () => {
    const sut = upliftText({
      ...REPORT,
      window_days: 1,
      relative_lift: null,
      srm: { chi2: 33.3333, df: 1, p_value: 7.764e-9, flagged: true },
    });

    expect(sut[0]).toBe(
      "action rate: the share of decisions followed by an action of the same learner within 1 day (the decision's day)",
    );
    expect([sut[sut.length - 3], sut[sut.length - 1]]).toEqual([
      'relative lift: none (no held-out decision was followed by an action)',
      'sample ratio: χ² = 33.33 with 1 degree of freedom, p = 7.8e-9  SRM! the arms are not the configured split, so the lift may be biased',
    ]);
  });
});
