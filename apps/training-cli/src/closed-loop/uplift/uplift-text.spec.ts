import { NO_PRE_PERIOD, UpliftReport } from './uplift';
import { upliftText } from './uplift-text';

const REPORT: UpliftReport = {
  window_days: 7,
  arms: [
    { arm: 'holdout', learners: 4, decisions: 8, acted: 2, rate: 0.25, ci95: [0.1, 0.4] },
    { arm: 'treated', learners: 30, decisions: 600, acted: 300, rate: 0.5, ci95: [0.45, 0.55] },
    { arm: 'tone=warm', learners: 1, decisions: 3, acted: 2, rate: 2 / 3, ci95: null },
  ],
  absolute_lift: { estimate: 0.25, ci95: [-0.1106, 0.6106] },
  cuped: { estimate: 0.1042, ci95: [0.0069, 0.2014], variance_reduction: 0.92735 },
  relative_lift: { estimate: 1, ci95: [-1.117, 3.117] },
  power: { mde: 0.51549, target: null },
  srm: { chi2: 0.4567, df: 2, p_value: 0.7958, flagged: false },
  pre_period: { days: null, learners: 35, unavailable: null },
  variants: [],
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
      "CUPED absolute lift: +10.42 percentage points (95% CI +0.69 to +20.14), variance 92.7% lower (pre-period: each learner's days before their first decision in the outcomes log; 35 learners have one)",
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

  it('says why there is no CUPED lift, and the pre-period --pre-days set', () => {
    const none = upliftText({
      ...REPORT,
      cuped: null,
      pre_period: { days: null, learners: 0, unavailable: NO_PRE_PERIOD },
    });
    const days = upliftText({
      ...REPORT,
      pre_period: { days: 14, learners: 1, unavailable: null },
    });

    expect(none[8]).toBe(
      'CUPED: none (no learner has an outcome before their first decision, so there is no pre-period to adjust by)',
    );
    expect(days[8]).toMatch(
      / \(pre-period: the 14 days before each learner's first decision; 1 learner has one\)$/,
    );
  });

  it("tabulates each variant's lift over its control", () => {
    const sut = upliftText({
      ...REPORT,
      variants: [
        {
          experiment: 'tone',
          variant: 'cold',
          control: 'warm',
          absolute_lift: { estimate: -0.0307, ci95: [-0.0501, -0.0113] },
          cuped: { estimate: -0.0215, ci95: [-0.0344, -0.0086], variance_reduction: 0.5 },
        },
        {
          experiment: 'tone',
          variant: 'hot',
          control: 'warm',
          absolute_lift: { estimate: 0.01, ci95: [-0.01, 0.03] },
          cuped: null,
        },
        { experiment: 'cta', variant: 'long', control: 'short', absolute_lift: null, cuped: null },
      ],
    });

    expect(sut.slice(-6)).toEqual([
      '',
      "variants against their experiment's control (absolute lift in percentage points):",
      'variant      control   lift                       95% CI  CUPED lift                 CUPED 95% CI',
      'tone=cold  tone=warm  -3.07               -5.01 to -1.13       -2.15               -3.44 to -0.86',
      'tone=hot   tone=warm  +1.00               -1.00 to +3.00        none                         none',
      'cta=long   cta=short    n/a  n/a (fewer than 2 learners)         n/a  n/a (fewer than 2 learners)',
    ]);
  });
});
