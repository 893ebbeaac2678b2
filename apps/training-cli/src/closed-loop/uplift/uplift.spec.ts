import { EngineConfig } from '@app/engagement';
import { CliUsageError } from '../../cli/cli-errors';
import { chiSquarePValue, sampleRatioTest } from './sample-ratio';
import {
  absoluteLift,
  actedWithin,
  liftPower,
  ratioEstimate,
  relativeLift,
  upliftReport,
} from './uplift';
import { expectedShares, groupOf } from './groups';
import { ArmMoments, GroupedTally, momentsOf } from './arm-moments';

/** Hand-computed example, treated: learners (acted, decisions) = (1, 2), (0, 1), (2, 3). */
const TREATED = [
  { acted: 1, decisions: 2 },
  { acted: 0, decisions: 1 },
  { acted: 2, decisions: 3 },
];
/** Hand-computed example, holdout: (0, 2), (1, 2), (0, 1), (1, 3). */
const HOLDOUT = [
  { acted: 0, decisions: 2 },
  { acted: 1, decisions: 2 },
  { acted: 0, decisions: 1 },
  { acted: 1, decisions: 3 },
];

function assignment(
  holdoutPercent: number,
  experiments: { key: string; weights: Record<string, number> }[] = [],
): EngineConfig['assignment'] {
  return {
    holdout_percent: holdoutPercent,
    salt: 'engagement-holdout',
    experiments: experiments.map(({ key, weights }) => ({
      key,
      variants: Object.entries(weights).map(([variant, weight]) => ({
        key: variant,
        weight,
        overrides: {},
      })),
    })),
  };
}

function grouped(group: string, learners: { acted: number; decisions: number }[]): GroupedTally[] {
  return learners.map((learner) => ({ group, ...learner }));
}

/** Each group's sums, the groups in the order their first learner comes. */
function groupsOf(learners: readonly GroupedTally[]): Map<string, ArmMoments> {
  const groups = new Map<string, GroupedTally[]>();
  for (const learner of learners)
    groups.set(learner.group, [...(groups.get(learner.group) ?? []), learner]);
  return new Map([...groups].map(([group, members]) => [group, momentsOf(members)]));
}

describe(ratioEstimate.name, () => {
  it('is Σ acted / Σ decisions, with the delta-method variance over learners', () => {
    // K = 3, x = (1, 0, 2), y = (2, 1, 3): x̄ = 1, ȳ = 2, rate = 3 / 6 = 0.5.
    // Deviations x: (0, −1, 1), y: (0, −1, 1), so s_x² = s_y² = s_xy = 2 / (3 − 1) = 1.
    // var = (1/3)·(1/2² − 2·(1/2³)·1 + (1²/2⁴)·1) = (1/3)·(0.25 − 0.25 + 0.0625) = 0.0625 / 3.
    const sut = ratioEstimate(momentsOf(TREATED));

    expect(sut.rate).toBe(0.5);
    expect(sut.variance).toBeCloseTo(0.0625 / 3, 15);
  });

  it('gives the holdout example', () => {
    // K = 4, x = (0, 1, 0, 1), y = (2, 2, 1, 3): x̄ = 0.5, ȳ = 2, rate = 2 / 8 = 0.25.
    // s_x² = 4·0.25 / 3 = 1/3; y deviations (0, 0, −1, 1): s_y² = 2/3;
    // s_xy = (0 + 0 + (−0.5)(−1) + (0.5)(1)) / 3 = 1/3.
    // var = (1/4)·((1/3)/4 − 2·(0.5/8)·(1/3) + (0.25/16)·(2/3)) = (1/4)·(8 − 4 + 1)/96 = 5/384.
    const sut = ratioEstimate(momentsOf(HOLDOUT));

    expect(sut.rate).toBe(0.25);
    expect(sut.variance).toBeCloseTo(5 / 384, 15);
  });

  it('has no variance for a single learner', () => {
    expect(ratioEstimate(momentsOf([{ acted: 1, decisions: 2 }]))).toEqual({
      rate: 0.5,
      variance: NaN,
    });
  });
});

describe(absoluteLift.name, () => {
  it('is the difference of the rates, ± 1.959963985·√(var_t + var_h)', () => {
    // 0.5 − 0.25 = 0.25, and var_t + var_h = 8/384 + 5/384 = 13/384.
    const sut = absoluteLift(ratioEstimate(momentsOf(TREATED)), ratioEstimate(momentsOf(HOLDOUT)));

    expect(sut.estimate).toBe(0.25);
    expect(sut.ci95[0]).toBeCloseTo(-0.11062360879447869, 9);
    expect(sut.ci95[1]).toBeCloseTo(0.6106236087944787, 9);
  });
});

describe(relativeLift.name, () => {
  it('is rate_t / rate_h − 1, with var_t/r_h² + r_t²·var_h/r_h⁴', () => {
    // 0.5 / 0.25 − 1 = 1; var = (1/48)/(1/16) + 0.25·(5/384)/(1/256) = 1/3 + 5/6 = 7/6.
    const sut = relativeLift(ratioEstimate(momentsOf(TREATED)), ratioEstimate(momentsOf(HOLDOUT)));

    expect(sut?.estimate).toBe(1);
    expect(sut?.ci95[0]).toBeCloseTo(-1.1170030608338588, 9);
    expect(sut?.ci95[1]).toBeCloseTo(3.117003060833859, 9);
  });

  it('is null when no held-out decision was followed by an action', () => {
    const never = ratioEstimate(
      momentsOf([
        { acted: 0, decisions: 2 },
        { acted: 0, decisions: 1 },
      ]),
    );
    expect(relativeLift(ratioEstimate(momentsOf(TREATED)), never)).toBeNull();
  });
});

describe(chiSquarePValue.name, () => {
  it.each([
    // The 95% quantiles of χ² with 1 and 2 degrees of freedom (with 2, p = e^(−x/2)).
    [3.841458820694124, 1, 0.05],
    [5.991464547107979, 2, 0.05],
    [0, 3, 1],
  ])('P(χ² ≥ %p | df %p) = %p', (chi2, df, p) => {
    expect(chiSquarePValue(chi2, df)).toBeCloseTo(p, 9);
  });
});

describe(sampleRatioTest.name, () => {
  it('tests the counts against the shares', () => {
    // Expected 50 and 50: χ² = 10²/50 + 10²/50 = 4; P(χ²₁ ≥ 4) = P(|Z| ≥ 2) = 0.0455.
    const sut = sampleRatioTest([60, 40], [0.5, 0.5]);

    expect(sut.chi2).toBeCloseTo(4, 12);
    expect(sut.df).toBe(1);
    expect(sut.p_value).toBeCloseTo(0.04550026389635844, 9);
    expect(sut.flagged).toBe(false);
  });

  it('flags a p-value below 0.001', () => {
    // Expected 150 and 150: χ² = 2·50²/150 = 100/3; P(|Z| ≥ √(100/3)) = 7.764e-9.
    const sut = sampleRatioTest([100, 200], [0.5, 0.5]);

    expect(sut.chi2).toBeCloseTo(100 / 3, 12);
    expect(sut.p_value).toBeCloseTo(7.764036537930662e-9, 15);
    expect(sut.flagged).toBe(true);
  });
});

describe(expectedShares.name, () => {
  it('splits holdout and treated without experiments', () => {
    expect(expectedShares(assignment(10))).toEqual(
      new Map([
        ['holdout', 0.1],
        ['treated', 0.9],
      ]),
    );
  });

  it('leaves out groups the config gives no learner: here the holdout and the treated rest', () => {
    expect(
      expectedShares(assignment(0, [{ key: 'tone', weights: { warm: 0.5, cold: 0.5 } }])),
    ).toEqual(
      new Map([
        ['tone=warm', 0.5],
        ['tone=cold', 0.5],
      ]),
    );
  });

  it('passes learners the first experiment leaves on to the next, and clips ranges past 1', () => {
    const sut = expectedShares(
      assignment(10, [
        { key: 'tone', weights: { warm: 0.6, cold: 0.39 } },
        { key: 'cta', weights: { short: 0.51, long: 0.5 } },
      ]),
    );

    // tone places 99% of the 90% treated; cta's ranges [0, 0.51) and [0.51, 1.01) hold 0.51 and
    // 0.49 of the 1% left, and no learner is left for `treated`.
    expect([...sut.keys()]).toEqual(['holdout', 'tone=warm', 'tone=cold', 'cta=short', 'cta=long']);
    expect(sut.get('tone=warm')).toBeCloseTo(0.54, 12);
    expect(sut.get('tone=cold')).toBeCloseTo(0.351, 12);
    expect(sut.get('cta=short')).toBeCloseTo(0.00459, 12);
    expect(sut.get('cta=long')).toBeCloseTo(0.00441, 12);
  });
});

describe(groupOf.name, () => {
  it('names the holdout, a variant, or treated', () => {
    expect(groupOf({ holdout: true, bucket: 0.01 })).toBe('holdout');
    expect(groupOf({ holdout: false, bucket: 0.5, experiment: 'tone', variant: 'warm' })).toBe(
      'tone=warm',
    );
    expect(groupOf({ holdout: false, bucket: 0.5 })).toBe('treated');
  });
});

describe(actedWithin.name, () => {
  const days = [10, 17, 30];

  it('counts an action on the decision day and up to the day before asOf + window', () => {
    expect(actedWithin(days, 10, 7)).toBe(true);
    expect(actedWithin(days, 11, 7)).toBe(true); // day 17 = 11 + 6
    expect(actedWithin(days, 24, 7)).toBe(true); // day 30 = 24 + 6
  });

  it('does not count an action on asOf + window, nor one before the decision', () => {
    expect(actedWithin(days, 3, 7)).toBe(false); // day 10 = 3 + 7
    expect(actedWithin(days, 18, 7)).toBe(false); // days 10 and 17 came before
    expect(actedWithin(days, 31, 1)).toBe(false);
    expect(actedWithin([], 10, 7)).toBe(false);
  });

  it('with a one-day window, counts the decision day alone', () => {
    expect(actedWithin(days, 17, 1)).toBe(true);
    expect(actedWithin(days, 16, 1)).toBe(false);
  });
});

describe(upliftReport.name, () => {
  const shares = expectedShares(
    assignment(20, [{ key: 'tone', weights: { warm: 0.5, cold: 0.5 } }]),
  );

  it('reports holdout, treated and each variant, the lifts and the sample ratio test', () => {
    // Treated is warm's (1, 2), (0, 1) and cold's (2, 3): the treated example above.
    const learners = [
      ...grouped('tone=cold', TREATED.slice(2)),
      ...grouped('holdout', HOLDOUT),
      ...grouped('tone=warm', TREATED.slice(0, 2)),
    ];
    const sut = upliftReport(groupsOf(learners), shares, { windowDays: 7 });

    expect(sut.window_days).toBe(7);
    expect(sut.arms.map(({ ci95: _, ...arm }) => arm)).toEqual([
      { arm: 'holdout', learners: 4, decisions: 8, acted: 2, rate: 0.25 },
      { arm: 'treated', learners: 3, decisions: 6, acted: 3, rate: 0.5 },
      { arm: 'tone=warm', learners: 2, decisions: 3, acted: 1, rate: 1 / 3 },
      { arm: 'tone=cold', learners: 1, decisions: 3, acted: 2, rate: 2 / 3 },
    ]);
    expect(sut.arms[1].ci95?.[0]).toBeCloseTo(0.21710356641456963, 9);
    expect(sut.arms[1].ci95?.[1]).toBeCloseTo(0.7828964335854304, 9);
    expect(sut.arms[3].ci95).toBeNull();
    expect(sut.absolute_lift.estimate).toBe(0.25);
    expect(sut.absolute_lift.ci95[0]).toBeCloseTo(-0.11062360879447869, 9);
    expect(sut.relative_lift?.estimate).toBe(1);
    // 4 / 2 / 1 learners against 20% / 40% / 40% of 7: 1.4, 2.8, 2.8.
    const chi2 = 2.6 ** 2 / 1.4 + 0.8 ** 2 / 2.8 + 1.8 ** 2 / 2.8;
    expect(sut.srm.chi2).toBeCloseTo(chi2, 12);
    expect(sut.srm.df).toBe(2);
    expect(sut.srm.p_value).toBeCloseTo(Math.exp(-chi2 / 2), 9);
    expect(sut.srm.flagged).toBe(false);
  });

  it("adds CUPED by the pre-period and each variant's lift over its experiment's control", () => {
    // Covariates make cuped.spec.ts's example: treated (0.5, 0, 1), holdout (0, 0.5, 0, 0.5).
    const covariates = [0.5, 0, 1, 0, 0.5, 0, 0.5];
    const learners = [
      ...grouped('tone=warm', TREATED.slice(0, 2)),
      ...grouped('tone=cold', TREATED.slice(2)),
      ...grouped('holdout', HOLDOUT),
    ].map((learner, i) => ({ ...learner, covariate: covariates[i] }));
    const experiments = [{ key: 'tone', variants: [{ key: 'warm' }, { key: 'cold' }] }];

    const sut = upliftReport(groupsOf(learners), shares, {
      windowDays: 7,
      preDays: 14,
      experiments,
    });

    expect(sut.cuped!.estimate).toBeCloseTo(5 / 48, 15);
    expect(sut.cuped!.variance_reduction).toBeCloseTo(217 / 234, 15);
    expect(sut.pre_period).toEqual({ days: 14, learners: 7, unavailable: null });
    // cold has a single learner: no variance, so no lift.
    expect(sut.variants).toEqual([
      { experiment: 'tone', variant: 'cold', control: 'warm', absolute_lift: null, cuped: null },
    ]);
  });

  it('says why there is no CUPED lift when no learner has a pre-period', () => {
    const learners = [...grouped('holdout', HOLDOUT), ...grouped('tone=warm', TREATED)];

    const sut = upliftReport(groupsOf(learners), shares, { windowDays: 7 });

    expect(sut.cuped).toBeNull();
    expect(sut.pre_period).toEqual({
      days: null,
      learners: 0,
      unavailable:
        'no learner has an outcome before their first decision, so there is no pre-period to adjust by',
    });
    expect(sut.variants).toEqual([]);
  });

  it('counts a configured group without learners in the sample ratio test', () => {
    const learners = [...grouped('holdout', HOLDOUT), ...grouped('tone=warm', TREATED)];
    const sut = upliftReport(groupsOf(learners), shares, { windowDays: 7 });

    expect(sut.arms.map((arm) => arm.arm)).toEqual(['holdout', 'treated', 'tone=warm']);
    // 4 / 3 / 0 against 1.4, 2.8, 2.8.
    expect(sut.srm.chi2).toBeCloseTo(2.6 ** 2 / 1.4 + 0.2 ** 2 / 2.8 + 2.8, 12);
  });

  it.each<[string, GroupedTally[], string]>([
    [
      'no holdout',
      grouped('tone=warm', TREATED),
      'no held-out decisions: set assignment.holdout_percent above 0 to measure lift',
    ],
    ['no treated', grouped('holdout', HOLDOUT), 'no treated decisions: every learner was held out'],
    [
      'a single held-out learner',
      [...grouped('holdout', HOLDOUT.slice(0, 1)), ...grouped('tone=warm', TREATED)],
      'only 1 learner has held-out decisions: a confidence interval needs at least 2',
    ],
    [
      'a variant the config does not have',
      [...grouped('holdout', HOLDOUT), ...grouped('tone=hot', TREATED)],
      "the decisions have 3 learners in variant tone=hot, where the config's assignment puts none: pass the config the decisions were made with (--config)",
    ],
    [
      'treated learners outside the experiment that places everyone',
      [
        ...grouped('holdout', HOLDOUT),
        ...grouped('treated', TREATED.slice(0, 1)),
        ...grouped('tone=warm', TREATED),
      ],
      "the decisions have 1 learner in no experiment, where the config's assignment puts none: pass the config the decisions were made with (--config)",
    ],
  ])('refuses %s', (_case, learners, message) => {
    expect(() => upliftReport(groupsOf(learners), shares, { windowDays: 7 })).toThrow(
      new CliUsageError(message),
    );
  });

  it('refuses held-out learners when the config holds none out', () => {
    const learners = [...grouped('holdout', HOLDOUT), ...grouped('treated', TREATED)];
    expect(() =>
      upliftReport(groupsOf(learners), expectedShares(assignment(0)), { windowDays: 7 }),
    ).toThrow(
      new CliUsageError(
        "the decisions have 4 learners in the holdout, where the config's assignment puts none: pass the config the decisions were made with (--config)",
      ),
    );
  });
});

describe(liftPower.name, () => {
  // Per-learner variances 0.09 (treated, 900 learners) and 0.04 (holdout, 100 learners).
  const treated = { estimate: { rate: 0.3, variance: 0.09 / 900 }, learners: 900 };
  const holdout = { estimate: { rate: 0.2, variance: 0.04 / 100 }, learners: 100 };
  const Z = 1.959963985 + 0.8416212336;

  it('is (z₉₇.₅ + z₈₀) standard errors of the lift', () => {
    expect(liftPower(treated, holdout)).toEqual({
      mde: Z * Math.sqrt(0.09 / 900 + 0.04 / 100),
      target: null,
    });
  });

  it('sizes the holdout share whose lift variance meets the target, or says none does', () => {
    const sut = liftPower(treated, holdout, 0.05);
    const share = sut.target!.holdout_share!;
    // At that share of the 1,000 learners the lift's standard error is exactly 0.05 / Z.
    const se = Math.sqrt(0.09 / ((1 - share) * 1000) + 0.04 / (share * 1000));

    expect(sut.target!.lift).toBe(0.05);
    expect(se).toBeCloseTo(0.05 / Z, 12);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.4);
    expect(liftPower(treated, holdout, 0.01).target).toEqual({ lift: 0.01, holdout_share: null });
  });
});
