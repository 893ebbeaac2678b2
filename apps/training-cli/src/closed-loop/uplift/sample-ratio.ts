import { jStat } from 'jstat';

/** Below this p-value the arms' sizes are called a sample ratio mismatch. */
export const SRM_P_VALUE = 0.001;

/** P(χ² ≥ chi2) with `df` degrees of freedom. */
export function chiSquarePValue(chi2: number, df: number): number {
  return 1 - jStat.chisquare.cdf(chi2, df);
}

export interface SampleRatioTest {
  readonly chi2: number;
  readonly df: number;
  readonly p_value: number;
  readonly flagged: boolean;
}

/**
 * χ² goodness of fit of the learners counted per group against the groups' expected shares: a
 * split far from the configured one means assignment or logging lost learners unevenly, and
 * then no lift measured on the groups can be trusted.
 */
export function sampleRatioTest(
  observed: readonly number[],
  shares: readonly number[],
): SampleRatioTest {
  const learners = observed.reduce((sum, count) => sum + count, 0);
  const totalShare = shares.reduce((sum, share) => sum + share, 0);
  let chi2 = 0;
  observed.forEach((count, i) => {
    const expected = (learners * shares[i]) / totalShare;
    chi2 += (count - expected) ** 2 / expected;
  });
  const df = observed.length - 1;
  const pValue = chiSquarePValue(chi2, df);
  return { chi2, df, p_value: pValue, flagged: pValue < SRM_P_VALUE };
}
