import { percent, plural, signed, table } from '../../cli/format';
import { ArmRow, ConfidenceInterval, Lift, NO_PRE_PERIOD, PrePeriod, UpliftReport } from './uplift';
import { VariantLift } from './variants';
import { lineIn, LogFiles } from '../../cli/log-file';
import { SkippedCopies } from './uplift-logs';
import { HashMismatch, placeLine } from './uplift-tally';

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
    `absolute lift: ${signed(absolute.estimate * 100, 2)} percentage points (95% CI ${pointsInterval(absolute.ci95)})`,
    cupedText(report),
    relative === null
      ? 'relative lift: none (no held-out decision was followed by an action)'
      : `relative lift: ${signed(relative.estimate * 100, 1)}% (95% CI ${signed(relative.ci95[0] * 100, 1)}% to ${signed(relative.ci95[1] * 100, 1)}%)`,
    ...powerText(report),
    `sample ratio: χ² = ${chi2.toFixed(2)} with ${plural(df, 'degree')} of freedom, p = ${pValue(p_value)}${flagged ? '  SRM! the arms are not the configured split, so the lift may be biased' : ''}`,
    ...variantsText(report.variants),
  ];
}

function pointsInterval([low, high]: ConfidenceInterval): string {
  return `${signed(low * 100, 2)} to ${signed(high * 100, 2)}`;
}

function prePeriodText({ days, learners }: PrePeriod): string {
  const span =
    days === null
      ? "each learner's days before their first decision in the outcomes log"
      : `the ${plural(days, 'day')} before each learner's first decision`;
  return `pre-period: ${span}; ${plural(learners, 'learner')} ${learners === 1 ? 'has' : 'have'} one`;
}

/** The CUPED lift beside the plain one, or why there is none. */
function cupedText({ cuped, pre_period }: UpliftReport): string {
  if (cuped === null) return `CUPED: none (${pre_period.unavailable ?? NO_PRE_PERIOD})`;
  return `CUPED absolute lift: ${signed(cuped.estimate * 100, 2)} percentage points (95% CI ${pointsInterval(cuped.ci95)}), variance ${percent(cuped.variance_reduction, 1)} lower (${prePeriodText(pre_period)})`;
}

function liftCells(lift: Lift | null): string[] {
  return lift === null
    ? ['n/a', 'n/a (fewer than 2 learners)']
    : [signed(lift.estimate * 100, 2), pointsInterval(lift.ci95)];
}

/** Each variant's lift over its experiment's control, in percentage points. */
function variantsText(variants: readonly VariantLift[]): string[] {
  if (variants.length === 0) return [];
  return [
    '',
    "variants against their experiment's control (absolute lift in percentage points):",
    ...table([
      ['variant', 'control', 'lift', '95% CI', 'CUPED lift', 'CUPED 95% CI'],
      ...variants.map((variant) => [
        `${variant.experiment}=${variant.variant}`,
        `${variant.experiment}=${variant.control}`,
        ...liftCells(variant.absolute_lift),
        ...(variant.absolute_lift !== null && variant.cuped === null
          ? ['none', 'none']
          : liftCells(variant.cuped)),
      ]),
    ]),
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

/**
 * Said on stderr with the command's other warnings: how many lines of the decisions log were
 * copies, skipped, so that a log that should have none is looked into.
 */
export function copiesWarning(log: LogFiles, copies: SkippedCopies): string {
  return `warning: ${log.name}: skipped ${plural(copies.lines, 'line')} repeating an earlier line of the same decision_id byte for byte, as a batch sent twice leaves them (the first on ${lineIn(log, copies.first)})`;
}

/** Said before the report, as it may also explain why the groups do not fit the config. */
export function hashWarning(mismatch: HashMismatch, decisions: LogFiles, config: string): string {
  return `warning: ${plural(mismatch.decisions, 'decision')} in ${decisions.name} (the first on ${lineIn(decisions, placeLine(decisions, mismatch.first))}) were made under config hash ${mismatch.hash}, not ${config}'s ${mismatch.expected}: the expected split may be wrong`;
}
