import { cupedLift, filledCovariates, linearised, preRate } from './cuped';
import { absoluteLift, ratioEstimate } from './uplift';

/** The hand-computed example of uplift.spec.ts, with a pre-period rate per learner. */
const TREATED = [
  { acted: 1, decisions: 2, covariate: 0.5 },
  { acted: 0, decisions: 1, covariate: 0 },
  { acted: 2, decisions: 3, covariate: 1 },
];
const HOLDOUT = [
  { acted: 0, decisions: 2, covariate: 0 },
  { acted: 1, decisions: 2, covariate: 0.5 },
  { acted: 0, decisions: 1, covariate: 0 },
  { acted: 1, decisions: 3, covariate: 0.5 },
];

const Z_95 = 1.959963985;

describe(preRate.name, () => {
  // Actions on days 1, 4, 9 and 12.
  const days = [1, 4, 9, 12];

  it('is the share of the days before the first decision an action followed within the window', () => {
    // Days 2–9, window 3, first decision on day 10: days 2, 3, 4 see day 4; days 7, 8, 9 see
    // day 9 (8's and 9's windows cut at day 10); days 5 and 6 see none. Day 12 is after.
    expect(preRate(days, 2, 10, 3)).toBe(6 / 8);
  });

  it('cuts each window at the first decision, and has no rate without a day before it', () => {
    // First decision on day 9: day 9's action no longer counts for days 7 and 8.
    expect(preRate(days, 2, 9, 3)).toBe(3 / 7);
    expect(preRate(days, 0, 1, 7)).toBe(0);
    expect(preRate(days, 10, 10, 7)).toBeNull();
    expect(preRate([], 0, 5, 7)).toBe(0);
  });
});

describe(linearised.name, () => {
  it('gives each learner rate + (x − rate·y)/ȳ, whose mean is the rate', () => {
    // rate 0.5, ȳ = 2: 0.5 + (1 − 1)/2, 0.5 + (0 − 0.5)/2, 0.5 + (2 − 1.5)/2.
    expect(linearised(TREATED)).toEqual([0.5, 0.25, 0.75]);
    expect(linearised(HOLDOUT)).toEqual([0, 0.5, 0.125, 0.375]);
  });

  it("has the delta method's variance: s²/K of the values is the ratio's variance", () => {
    const values = linearised(HOLDOUT);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const s2 = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);

    expect(s2 / values.length).toBeCloseTo(ratioEstimate(HOLDOUT).variance, 15);
  });
});

describe(filledCovariates.name, () => {
  it('gives a learner without a pre-period the mean of those with one, over both arms', () => {
    const sut = filledCovariates([
      [
        { acted: 0, decisions: 1, covariate: 0.2 },
        { acted: 0, decisions: 1, covariate: null },
      ],
      [
        { acted: 0, decisions: 1, covariate: 0.5 },
        { acted: 0, decisions: 1 },
      ],
    ]);

    expect(sut).toEqual([
      [0.2, 0.35],
      [0.5, 0.35],
    ]);
  });

  it('is null when no learner has a pre-period', () => {
    expect(filledCovariates([[{ acted: 0, decisions: 1, covariate: null }], []])).toBeNull();
  });
});

describe(cupedLift.name, () => {
  it('adjusts the lift by θ pooled within the arms, and narrows its variance', () => {
    // Deviations of the linearised values and the covariates, treated: (0, −¼, ¼), (0, −½, ½);
    // holdout: (−¼, ¼, −⅛, ⅛), (−¼, ¼, −¼, ¼). θ = (¼ + 3/16) / (½ + ¼) = 7/12.
    // Lift: (0.5 − 0.25) − 7/12·(0.5 − 0.25) = 5/48. Residuals treated (0, 1/24, −1/24):
    // s²/K = (2/576)/2/3 = 1/1728; holdout (−5, 5, 1, −1)/48: (52/2304)/3/4 = 13/6912.
    // Variance 17/6912 against the plain 13/384 = 234/6912: 217/234 of it removed.
    const sut = cupedLift(TREATED, HOLDOUT)!;
    const margin = Z_95 * Math.sqrt(17 / 6912);

    expect(sut.estimate).toBeCloseTo(5 / 48, 15);
    expect(sut.ci95[0]).toBeCloseTo(5 / 48 - margin, 15);
    expect(sut.ci95[1]).toBeCloseTo(5 / 48 + margin, 15);
    expect(sut.variance_reduction).toBeCloseTo(217 / 234, 15);
  });

  it('is the plain lift when the covariate does not vary', () => {
    const flat = (arm: typeof TREATED) => arm.map((learner) => ({ ...learner, covariate: 0.3 }));
    const plain = absoluteLift(ratioEstimate(TREATED), ratioEstimate(HOLDOUT));

    const sut = cupedLift(flat(TREATED), flat(HOLDOUT))!;

    expect(sut.estimate).toBeCloseTo(plain.estimate, 15);
    expect(sut.ci95[0]).toBeCloseTo(plain.ci95[0], 15);
    expect(sut.ci95[1]).toBeCloseTo(plain.ci95[1], 15);
    expect(sut.variance_reduction).toBeCloseTo(0, 15);
  });

  it('is null without any pre-period', () => {
    const none = (arm: typeof TREATED) => arm.map((learner) => ({ ...learner, covariate: null }));

    expect(cupedLift(none(TREATED), none(HOLDOUT))).toBeNull();
  });
});
