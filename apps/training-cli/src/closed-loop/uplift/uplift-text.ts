import { percent, plural, signed, table } from '../../cli/format';
import { ArmRow, UpliftReport } from './uplift';
import { ConfigHashMismatch } from './uplift-logs';

function armCells(arm: ArmRow): string[] {
  return [
    arm.arm,
    String(arm.learners),
    String(arm.decisions),
    String(arm.acted),
    percent(arm.rate, 2),
    arm.ci95 === null
      ? 'n/a (1 learner)'
      : `${percent(arm.ci95[0], 2)} to ${percent(arm.ci95[1], 2)}`,
  ];
}

function pValue(p: number): string {
  return p >= 0.0001 ? p.toFixed(4) : p.toExponential(1);
}

/** The report as a person reads it: the arms' table, then the lifts and the sample ratio test. */
export function upliftText(report: UpliftReport): string[] {
  const days = report.window_days;
  const absolute = report.absolute_lift;
  const relative = report.relative_lift;
  const { chi2, df, p_value, flagged } = report.srm;
  return [
    `action rate: the share of decisions followed by an action of the same learner within ${plural(days, 'day')} (the decision's day${days > 1 ? ` and the ${plural(days - 1, 'day')} after` : ''})`,
    '',
    ...table([
      ['arm', 'learners', 'decisions', 'followed by an action', 'action rate', '95% CI'],
      ...report.arms.map(armCells),
    ]),
    '',
    `absolute lift: ${signed(absolute.estimate * 100, 2)} percentage points (95% CI ${signed(absolute.ci95[0] * 100, 2)} to ${signed(absolute.ci95[1] * 100, 2)})`,
    relative === null
      ? 'relative lift: none (no held-out decision was followed by an action)'
      : `relative lift: ${signed(relative.estimate * 100, 1)}% (95% CI ${signed(relative.ci95[0] * 100, 1)}% to ${signed(relative.ci95[1] * 100, 1)}%)`,
    ...powerText(report),
    `sample ratio: χ² = ${chi2.toFixed(2)} with ${plural(df, 'degree')} of freedom, p = ${pValue(p_value)}${flagged ? '  SRM! the arms are not the configured split, so the lift may be biased' : ''}`,
  ];
}

function powerText({ power, arms }: UpliftReport): string[] {
  const heldOut = arms[0].learners;
  const lines = [
    `minimum detectable lift: ${(power.mde * 100).toFixed(2)} percentage points (80% power, 5% two-sided) with ${plural(heldOut, 'held-out learner')}`,
  ];
  const { target } = power;
  if (target !== null) {
    const lift = `${(target.lift * 100).toFixed(2)} points`;
    lines.push(
      target.holdout_share === null
        ? `a lift of ${lift}: no holdout share of these learners detects it; it needs more learners`
        : `a lift of ${lift}: needs a holdout of ${percent(target.holdout_share, 1)} of these learners`,
    );
  }
  return lines;
}

/** Said before the report, as it may also explain why the groups do not fit the config. */
export function hashWarning(
  mismatch: ConfigHashMismatch,
  paths: { readonly decisions: string; readonly config: string },
): string {
  return `warning: ${plural(mismatch.decisions, 'decision')} in ${paths.decisions} (the first on line ${mismatch.firstLine}) were made under config hash ${mismatch.hash}, not ${paths.config}'s ${mismatch.expected}: the expected split may be wrong`;
}
