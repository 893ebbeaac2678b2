import { CalendarDay } from '@app/learner';
import {
  ConfidenceInterval,
  CovariateTally,
  interval95,
  LearnerTally,
  ratioEstimate,
} from './ratio';

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

/**
 * A learner's value in the linearised ratio metric (Deng, Knoblich & Lu 2018): the arm's rate
 * plus (x_i − rate·y_i)/ȳ. Its mean over the arm is the rate, and the variance of that mean is the
 * delta method's variance of the ratio, so CUPED on these values adjusts the rate the plain lift
 * uses, with the learner as the unit.
 */
export function linearised(arm: readonly LearnerTally[]): number[] {
  const { rate } = ratioEstimate(arm);
  const meanDecisions = arm.reduce((sum, learner) => sum + learner.decisions, 0) / arm.length;
  return arm.map((learner) => rate + (learner.acted - rate * learner.decisions) / meanDecisions);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * The covariates with the missing ones filled: a learner without a pre-period gets the mean of
 * those with one (over both arms), not 0. A 0 would say "never acted", and the learners whose
 * logs start with their first decision would be read as the least active, dragging θ toward
 * whatever separates new learners from old ones. At the mean, their deviation is 0 (to within
 * the arms' small difference in means), so their metric is left as it was and they add nothing
 * to θ: CUPED uses what is known and assumes nothing of the rest. Null when no learner has one.
 */
export function filledCovariates(arms: readonly (readonly CovariateTally[])[]): number[][] | null {
  const known = arms.flatMap((arm) =>
    arm.flatMap((learner) => (learner.covariate == null ? [] : [learner.covariate])),
  );
  if (known.length === 0) return null;
  const fill = mean(known);
  return arms.map((arm) => arm.map((learner) => learner.covariate ?? fill));
}

/**
 * The CUPED lift of `treated` over `control`, with θ pooled across the two arms: Σ over both
 * arms of the within-arm cross products of the linearised metric and the covariate, over the
 * within-arm sum of squares of the covariate. Within-arm, so that the lift itself (a difference
 * between the arms' means) does not leak into θ. With ℓ the linearised values, the lift is
 * (ℓ̄_t − ℓ̄_c) − θ·(z̄_t − z̄_c) and its variance Σ_arms s²(ℓ − θ·z) / K, as the plain lift's is
 * Σ_arms s²(ℓ) / K; θ is taken as known, as in Deng et al. (its estimation error is of a smaller
 * order). When the covariate does not
 * vary, θ is 0 and the CUPED lift is the plain one. Null when no learner has a pre-period.
 */
export function cupedLift(
  treated: readonly CovariateTally[],
  control: readonly CovariateTally[],
): CupedLift | null {
  const covariates = filledCovariates([treated, control]);
  if (covariates === null) return null;
  const arms = [treated, control].map((arm, a) => {
    const y = linearised(arm);
    const z = covariates[a];
    return { y, z, meanY: mean(y), meanZ: mean(z) };
  });
  let cross = 0;
  let squares = 0;
  for (const { y, z, meanY, meanZ } of arms) {
    y.forEach((value, i) => {
      cross += (value - meanY) * (z[i] - meanZ);
      squares += (z[i] - meanZ) ** 2;
    });
  }
  const theta = squares === 0 ? 0 : cross / squares;
  const [plain, adjusted] = [0, theta].map((slope) =>
    arms.reduce(
      (sum, { y, z, meanY, meanZ }) =>
        sum +
        y.reduce((s, value, i) => s + (value - meanY - slope * (z[i] - meanZ)) ** 2, 0) /
          (y.length - 1) /
          y.length,
      0,
    ),
  );
  const [t, c] = arms;
  const estimate = t.meanY - c.meanY - theta * (t.meanZ - c.meanZ);
  return {
    ...interval95(estimate, adjusted),
    variance_reduction: plain === 0 ? 0 : 1 - adjusted / plain,
  };
}
