import { CovariateTally, momentsOf } from './arm-moments';
import { cupedLift, preRate } from './cuped';
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

describe(cupedLift.name, () => {
  it('adjusts the lift by θ pooled within the arms, and narrows its variance', () => {
    // Deviations of the linearised values and the covariates, treated: (0, −¼, ¼), (0, −½, ½);
    // holdout: (−¼, ¼, −⅛, ⅛), (−¼, ¼, −¼, ¼). θ = (¼ + 3/16) / (½ + ¼) = 7/12.
    // Lift: (0.5 − 0.25) − 7/12·(0.5 − 0.25) = 5/48. Residuals treated (0, 1/24, −1/24):
    // s²/K = (2/576)/2/3 = 1/1728; holdout (−5, 5, 1, −1)/48: (52/2304)/3/4 = 13/6912.
    // Variance 17/6912 against the plain 13/384 = 234/6912: 217/234 of it removed.
    const sut = cupedLift(momentsOf(TREATED), momentsOf(HOLDOUT))!;
    const margin = Z_95 * Math.sqrt(17 / 6912);

    expect(sut.estimate).toBeCloseTo(5 / 48, 15);
    expect(sut.ci95[0]).toBeCloseTo(5 / 48 - margin, 15);
    expect(sut.ci95[1]).toBeCloseTo(5 / 48 + margin, 15);
    expect(sut.variance_reduction).toBeCloseTo(217 / 234, 15);
  });

  it('is the plain lift when the covariate does not vary', () => {
    const flat = (arm: typeof TREATED) => arm.map((learner) => ({ ...learner, covariate: 0.3 }));
    const plain = absoluteLift(
      ratioEstimate(momentsOf(TREATED)),
      ratioEstimate(momentsOf(HOLDOUT)),
    );

    const sut = cupedLift(momentsOf(flat(TREATED)), momentsOf(flat(HOLDOUT)))!;

    expect(sut.estimate).toBeCloseTo(plain.estimate, 15);
    expect(sut.ci95[0]).toBeCloseTo(plain.ci95[0], 15);
    expect(sut.ci95[1]).toBeCloseTo(plain.ci95[1], 15);
    expect(sut.variance_reduction).toBeCloseTo(0, 15);
  });

  it('is null without any pre-period', () => {
    const none = (arm: typeof TREATED) => arm.map((learner) => ({ ...learner, covariate: null }));

    expect(cupedLift(momentsOf(none(TREATED)), momentsOf(none(HOLDOUT)))).toBeNull();
  });

  it('gives a learner without a pre-period the mean covariate of those with one, over both arms', () => {
    // Known covariates 0.5, 0, 1 (treated) and 0, 0, 0.5 (holdout): their mean is 1/3.
    const missing = (arm: CovariateTally[], i: number) =>
      arm.map((learner, j) => (j === i ? { ...learner, covariate: null } : learner));
    const filled = (arm: CovariateTally[], i: number) =>
      arm.map((learner, j) => (j === i ? { ...learner, covariate: 1 / 3 } : learner));

    const sut = cupedLift(momentsOf(TREATED), momentsOf(missing(HOLDOUT, 1)))!;
    const expected = cupedLift(momentsOf(TREATED), momentsOf(filled(HOLDOUT, 1)))!;

    expect(sut.estimate).toBeCloseTo(expected.estimate, 15);
    expect(sut.ci95[0]).toBeCloseTo(expected.ci95[0], 15);
    expect(sut.variance_reduction).toBeCloseTo(expected.variance_reduction, 15);
  });

  it('equals the per-learner computation on many learners, whose sums of squares are large', () => {
    // Learners of 1 to 40 decisions, covariates with 17 digits: the sums reach 10⁸.
    const arm = (seed: number) =>
      Array.from({ length: 20_000 }, (_, i) => {
        const decisions = 1 + ((i * 7 + seed) % 40);
        return {
          decisions,
          acted: (i * 13 + seed) % (decisions + 1),
          covariate: i % 5 === 0 ? null : ((i * 31 + seed) % 97) / 97 + 1e-9 * i,
        };
      });
    const [treated, control] = [arm(1), arm(2)];

    const sut = cupedLift(momentsOf(treated), momentsOf(control))!;

    const reference = perLearnerCuped(treated, control);
    expect(sut.estimate).toBeCloseTo(reference.estimate, 12);
    expect(sut.ci95[0]).toBeCloseTo(reference.low, 12);
    expect(sut.ci95[1]).toBeCloseTo(reference.high, 12);
  });
});

/**
 * CUPED over the linearised values as Deng et al. write it, learner by learner with deviations
 * from the means: the reference the sums must agree with.
 */
function perLearnerCuped(treated: CovariateTally[], control: CovariateTally[]) {
  const known = [...treated, ...control].flatMap((l) => (l.covariate == null ? [] : [l.covariate]));
  const fill = known.reduce((sum, z) => sum + z, 0) / known.length;
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const arms = [treated, control].map((arm) => {
    const rate = arm.reduce((s, l) => s + l.acted, 0) / arm.reduce((s, l) => s + l.decisions, 0);
    const meanD = arm.reduce((s, l) => s + l.decisions, 0) / arm.length;
    const y = arm.map((l) => rate + (l.acted - rate * l.decisions) / meanD);
    const z = arm.map((l) => l.covariate ?? fill);
    return { y, z, meanY: mean(y), meanZ: mean(z) };
  });
  let cross = 0;
  let squares = 0;
  for (const { y, z, meanY, meanZ } of arms) {
    y.forEach((v, i) => {
      cross += (v - meanY) * (z[i] - meanZ);
      squares += (z[i] - meanZ) ** 2;
    });
  }
  const theta = cross / squares;
  const variance = arms.reduce(
    (sum, { y, z, meanY, meanZ }) =>
      sum +
      y.reduce((s, v, i) => s + (v - meanY - theta * (z[i] - meanZ)) ** 2, 0) /
        (y.length - 1) /
        y.length,
    0,
  );
  const [t, c] = arms;
  const estimate = t.meanY - c.meanY - theta * (t.meanZ - c.meanZ);
  const margin = Z_95 * Math.sqrt(variance);
  return { estimate, low: estimate - margin, high: estimate + margin };
}
