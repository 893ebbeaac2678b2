import { CalendarDay } from '@app/learner';
import { ArmMoments } from './arm-moments';
import { ConfidenceInterval, interval95 } from './ratio';

/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013, _Improving the Sensitivity of Online Controlled
 * Experiments by Utilizing Pre-Experiment Data_): a learner's rate before any decision predicts
 * their rate after, and it cannot depend on the arm they were assigned to, so subtracting θ times
 * its deviation from each learner's metric removes that part of the between-learner variance and
 * leaves the lift's expectation as it was.
 */

/** The CUPED-adjusted absolute lift, beside the plain one. */
export interface CupedLift {
  readonly estimate: number;
  readonly ci95: ConfidenceInterval;
  /** 1 − var(CUPED lift) / var(plain lift): the share of the plain lift's variance removed. */
  readonly variance_reduction: number;
}

/**
 * The pre-period action rate of one learner, in the metric's own terms: the share of the days
 * `from` ≤ d < `first` after which the learner acted within `windowDays` (day d included), each
 * window cut at `first`, the learner's first decision, so that no day the nudges could touch
 * counts. Deng et al. advise the metric itself, measured before the experiment, as the
 * covariate: it predicts the metric better than a raw count of actions, which weighs a learner's
 * busy days several times where the metric counts a day once. Null when there is no such day.
 * `actionDays` is sorted; one pass from the last day back.
 */
export function preRate(
  actionDays: readonly CalendarDay[],
  from: CalendarDay,
  first: CalendarDay,
  windowDays: number,
): number | null {
  if (from >= first) return null;
  let next = actionDays.length;
  // `next` is the first action on or after `first`; walk it back as the days go back.
  while (next > 0 && actionDays[next - 1] >= first) next--;
  let upcoming = Number.POSITIVE_INFINITY;
  let followed = 0;
  for (let day = first - 1; day >= from; day--) {
    while (next > 0 && actionDays[next - 1] >= day) upcoming = actionDays[--next];
    if (upcoming < day + windowDays) followed++;
  }
  return followed / (first - from);
}

/** Relative rounding of a sum of squares over millions of learners, well above 2⁻⁵³·log₂(K). */
const ROUNDING = 1e-12;

/** One arm's part in CUPED, from its sums, with missing covariates filled. */
interface CupedArm {
  /** The arm's rate: the mean of its learners' linearised values. */
  readonly rate: number;
  /** The mean covariate. */
  readonly meanZ: number;
  /** Σ(ℓ − ℓ̄)², Σ(ℓ − ℓ̄)(z − z̄) and Σ(z − z̄)² over the arm's learners. */
  readonly sll: number;
  readonly slz: number;
  readonly szz: number;
  readonly learners: number;
}

/**
 * A learner's value in the linearised ratio metric (Deng, Knoblich & Lu 2018) is the arm's rate
 * r plus (a − r·d)/d̄, for a learner's acted a and decisions d. Its mean over the arm is r, and
 * the variance of that mean is the delta method's variance of the ratio, so CUPED on these values
 * adjusts the rate the plain lift uses, with the learner as the unit. Its sums of squares and
 * cross products with the covariate follow from the arm's sums.
 *
 * A learner without a pre-period gets `fill`, the mean covariate of those with one, not 0: a 0
 * would say "never acted", and the learners whose logs start with their first decision would be
 * read as the least active, dragging θ toward whatever separates new learners from old ones. At
 * the mean, their deviation is 0 (to within the arms' small difference in means), so their metric
 * is left as it was and they add nothing to θ: CUPED uses what is known and assumes nothing of
 * the rest.
 */
function cupedArm(arm: ArmMoments, fill: number): CupedArm {
  const k = arm.learners;
  const rate = arm.acted / arm.decisions;
  const meanD = arm.decisions / k;
  const missing = k - arm.covariates;
  const sumZ = arm.covariateSum + fill * missing;
  const sumAZ = arm.actedCovariate + fill * (arm.acted - arm.covariateActed);
  const sumDZ = arm.decisionsCovariate + fill * (arm.decisions - arm.covariateDecisions);
  const residualSquares =
    arm.actedSquares - 2 * rate * arm.actedDecisions + rate * rate * arm.decisionSquares;
  const squaresZ = arm.covariateSquares + fill * fill * missing;
  const szz = squaresZ - (sumZ * sumZ) / k;
  return {
    rate,
    meanZ: sumZ / k,
    // Σ(a − r·d)² is 0 when every learner has the arm's rate, and rounding may leave −1e-13.
    sll: Math.max(residualSquares, 0) / meanD ** 2,
    slz: (sumAZ - rate * sumDZ) / meanD,
    // A covariate that does not vary leaves only rounding: Σz² − (Σz)²/K within a few ulps of Σz².
    szz: Math.abs(szz) <= ROUNDING * squaresZ ? 0 : szz,
    learners: k,
  };
}

/**
 * The CUPED lift of `treated` over `control`, with θ pooled across the two arms: Σ over both
 * arms of the within-arm cross products of the linearised metric and the covariate, over the
 * within-arm sum of squares of the covariate. Within-arm, so that the lift itself (a difference
 * between the arms' means) does not leak into θ. With ℓ the linearised values, the lift is
 * (ℓ̄_t − ℓ̄_c) − θ·(z̄_t − z̄_c) and its variance Σ_arms s²(ℓ − θ·z) / K, as the plain lift's is
 * Σ_arms s²(ℓ) / K; θ is taken as known, as in Deng et al. (its estimation error is of a smaller
 * order). Missing covariates are filled with the mean over both arms (cupedArm). When the
 * covariate does not vary, θ is 0 and the CUPED lift is the plain one. Null when no learner has
 * a pre-period.
 */
export function cupedLift(treated: ArmMoments, control: ArmMoments): CupedLift | null {
  const known = treated.covariates + control.covariates;
  if (known === 0) return null;
  const fill = (treated.covariateSum + control.covariateSum) / known;
  const arms = [treated, control].map((arm) => cupedArm(arm, fill));
  const cross = arms.reduce((sum, arm) => sum + arm.slz, 0);
  const squares = arms.reduce((sum, arm) => sum + arm.szz, 0);
  const theta = squares === 0 ? 0 : cross / squares;
  const [plain, adjusted] = [0, theta].map((slope) =>
    arms.reduce(
      (sum, arm) =>
        sum +
        (arm.sll - 2 * slope * arm.slz + slope * slope * arm.szz) /
          (arm.learners - 1) /
          arm.learners,
      0,
    ),
  );
  const [t, c] = arms;
  const estimate = t.rate - c.rate - theta * (t.meanZ - c.meanZ);
  return {
    ...interval95(estimate, adjusted),
    variance_reduction: plain === 0 ? 0 : 1 - adjusted / plain,
  };
}
