import { ArmMoments } from './arm-moments';

/**
 * The action rate as a ratio metric over learners, and the lifts made of two of them: what
 * `uplift`, its CUPED adjustment and the variant lifts all build on.
 */

/** The two-sided 95% normal quantile. */
export const Z_95 = 1.959963985;

export interface RatioEstimate {
  readonly rate: number;
  /** NaN for a single learner: a sample variance needs two. */
  readonly variance: number;
}

/**
 * The action rate Σ acted / Σ decisions over an arm's learners, and its variance by the delta
 * method (Deng, Knoblich & Lu 2018). The learner, not the decision, is the unit assignment
 * randomises, and one learner's decisions are not independent, so the variance comes from
 * per-learner sums: var(x̄/ȳ) ≈ (s_x²/ȳ² − 2·x̄·s_xy/ȳ³ + x̄²·s_y²/ȳ⁴) / K with sample
 * (co)variances over K learners. Those come from the arm's sums of squares and products, which
 * are integers: Σx² − (Σx)²/K loses no digits to cancellation before the one division.
 */
export function ratioEstimate(arm: ArmMoments): RatioEstimate {
  const k = arm.learners;
  const meanX = arm.acted / k;
  const meanY = arm.decisions / k;
  const sxx = arm.actedSquares - arm.acted * meanX;
  const syy = arm.decisionSquares - arm.decisions * meanY;
  const sxy = arm.actedDecisions - arm.acted * meanY;
  const [varX, varY, covXY] = [sxx, syy, sxy].map((sum) => sum / (k - 1));
  const variance =
    (varX / meanY ** 2 - (2 * meanX * covXY) / meanY ** 3 + (meanX ** 2 * varY) / meanY ** 4) / k;
  // When every learner has the same rate the terms cancel, and rounding may leave −1e-18.
  return { rate: arm.acted / arm.decisions, variance: Math.max(variance, 0) };
}

/** A 95% confidence interval: its lower and upper bounds. */
export type ConfidenceInterval = readonly [number, number];

/** A lift and its 95% confidence interval. */
export interface Lift {
  readonly estimate: number;
  readonly ci95: ConfidenceInterval;
}

export function interval95(estimate: number, variance: number): Lift {
  const margin = Z_95 * Math.sqrt(variance);
  return { estimate, ci95: [estimate - margin, estimate + margin] };
}

/** rate_treated − rate_holdout; the arms are independent, so their variances add. */
export function absoluteLift(treated: RatioEstimate, holdout: RatioEstimate): Lift {
  return interval95(treated.rate - holdout.rate, treated.variance + holdout.variance);
}
