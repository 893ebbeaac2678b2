import { CalendarDay } from '@app/learner';
import { plural } from '../../cli/format';
import { CliUsageError } from '../../cli/cli-errors';
import { HOLDOUT, TREATED } from './group-of';
import { SampleRatioTest, sampleRatioTest } from './sample-ratio';
import { CupedLift, cupedLift } from './cuped';
import { ExperimentKeys, VariantLift, variantLifts } from './variants';
import { ArmMoments, mergedMoments } from './arm-moments';
import {
  absoluteLift,
  ConfidenceInterval,
  interval95,
  Lift,
  RatioEstimate,
  ratioEstimate,
  Z_95,
} from './ratio';

export {
  absoluteLift,
  ConfidenceInterval,
  interval95,
  Lift,
  RatioEstimate,
  ratioEstimate,
  Z_95,
} from './ratio';

/** The normal quantile of 80% power: a test at Z_95 detects a lift this far beyond it 4 times in 5. */
export const Z_POWER_80 = 0.8416212336;

/**
 * Whether a learner acted on a day d with asOf ≤ d < asOf + windowDays, by binary search in the
 * learner's action days (sorted ascending).
 */
export function actedWithin(
  actionDays: readonly CalendarDay[],
  asOf: CalendarDay,
  windowDays: number,
): boolean {
  let low = 0;
  let high = actionDays.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (actionDays[middle] < asOf) low = middle + 1;
    else high = middle;
  }
  return low < actionDays.length && actionDays[low] < asOf + windowDays;
}

/**
 * rate_treated / rate_holdout − 1, with the delta method's variance of a ratio of independent
 * estimates; null when no held-out decision was followed by an action (nothing to divide by).
 */
export function relativeLift(treated: RatioEstimate, holdout: RatioEstimate): Lift | null {
  const [t, h] = [treated.rate, holdout.rate];
  if (h === 0) return null;
  return interval95(t / h - 1, treated.variance / h ** 2 + (t ** 2 * holdout.variance) / h ** 4);
}

/** A row of the report: `holdout`, `treated` (everyone nudged), or `<experiment>=<variant>`. */
export interface ArmRow {
  readonly arm: string;
  readonly learners: number;
  readonly decisions: number;
  readonly acted: number;
  readonly rate: number;
  /** null for an arm of one learner. */
  readonly ci95: ConfidenceInterval | null;
}

/** What a holdout of this size can tell apart, at 80% power and a two-sided 5% test. */
export interface Power {
  /** The minimum detectable absolute lift with these arms. */
  readonly mde: number;
  /**
   * With a target lift: the holdout share of these learners (holdout and treated) that would
   * detect it; null when no share would, as the learners are too few.
   */
  readonly target: { readonly lift: number; readonly holdout_share: number | null } | null;
}

/** The pre-period CUPED adjusts by. */
export interface PrePeriod {
  /** `--pre-days`: the days before each learner's first decision; null for all the log has. */
  readonly days: number | null;
  /** Learners with at least one pre-period day. */
  readonly learners: number;
  /** Why there is no CUPED estimate (no learner has a pre-period), else null. */
  readonly unavailable: string | null;
}

export interface UpliftReport {
  readonly window_days: number;
  readonly arms: readonly ArmRow[];
  readonly absolute_lift: Lift;
  /** The absolute lift adjusted by the pre-period (CUPED); null when there is none. */
  readonly cuped: CupedLift | null;
  readonly relative_lift: Lift | null;
  readonly power: Power;
  readonly srm: SampleRatioTest;
  readonly pre_period: PrePeriod;
  /** Each experiment variant against its experiment's control, in the config's order. */
  readonly variants: readonly VariantLift[];
}

/** What the report needs to know of the run beyond the learners and the expected split. */
export interface UpliftSettings {
  readonly windowDays: number;
  readonly targetLift?: number;
  /** `--pre-days`, if given. */
  readonly preDays?: number;
  /** The config's experiments, for each variant's control. */
  readonly experiments?: readonly ExperimentKeys[];
}

export const NO_PRE_PERIOD =
  'no learner has an outcome before their first decision, so there is no pre-period to adjust by';

function prePeriod(arms: readonly ArmMoments[], days: number | undefined): PrePeriod {
  const withOne = arms.reduce((sum, arm) => sum + arm.covariates, 0);
  return {
    days: days ?? null,
    learners: withOne,
    unavailable: withOne === 0 ? NO_PRE_PERIOD : null,
  };
}

/**
 * The power of the lift's test (normal approximation): the minimum detectable effect is
 * (Z_95 + Z_POWER_80) standard errors. For a target lift δ, the holdout share h of the same N
 * learners solves v_t/((1 − h)·N) + v_h/(h·N) = (δ / (Z_95 + Z_POWER_80))², with v the arms'
 * per-learner variances (an arm's variance times its learners); the smaller root is the least
 * holdout that is enough.
 */
export function liftPower(
  treated: { readonly estimate: RatioEstimate; readonly learners: number },
  holdout: { readonly estimate: RatioEstimate; readonly learners: number },
  targetLift?: number,
): Power {
  const z = Z_95 + Z_POWER_80;
  const mde = z * Math.sqrt(treated.estimate.variance + holdout.estimate.variance);
  if (targetLift === undefined) return { mde, target: null };
  const vt = treated.estimate.variance * treated.learners;
  const vh = holdout.estimate.variance * holdout.learners;
  const bn = (targetLift / z) ** 2 * (treated.learners + holdout.learners);
  const b = vt - vh - bn;
  const discriminant = b * b - 4 * bn * vh;
  const share = discriminant < 0 ? null : Math.max(0, (-b - Math.sqrt(discriminant)) / (2 * bn));
  return {
    mde,
    target: { lift: targetLift, holdout_share: share !== null && share < 1 ? share : null },
  };
}

/** An arm's row and its rate's estimate, which the lifts reuse. */
function measureArm(arm: string, moments: ArmMoments): { row: ArmRow; estimate: RatioEstimate } {
  const estimate = ratioEstimate(moments);
  const { rate, variance } = estimate;
  const row = {
    arm,
    learners: moments.learners,
    decisions: moments.decisions,
    acted: moments.acted,
    rate,
    ci95: Number.isNaN(variance) ? null : interval95(rate, variance).ci95,
  };
  return { row, estimate };
}

/** Lift needs both arms, with two learners at least for a variance. */
function requireArm(name: string, learners: number, hint: string): void {
  if (learners === 0) throw new CliUsageError(`no ${name} decisions: ${hint}`);
  if (learners === 1) {
    throw new CliUsageError(
      `only 1 learner has ${name} decisions: a confidence interval needs at least 2`,
    );
  }
}

function describeGroup(group: string): string {
  if (group === HOLDOUT) return 'the holdout';
  return group === TREATED ? 'no experiment' : `variant ${group}`;
}

/** Lift needs at least 2 learners in each arm: `groups` has each group's sums. */
export function requireArms(groups: ReadonlyMap<string, ArmMoments>): void {
  const all = [...groups.values()].reduce((sum, arm) => sum + arm.learners, 0);
  const heldOut = groups.get(HOLDOUT)?.learners ?? 0;
  requireArm('held-out', heldOut, 'set assignment.holdout_percent above 0 to measure lift');
  requireArm('treated', all - heldOut, 'every learner was held out');
}

/** Every group the decisions hold must be one the config expects learners in. */
function requireExpectedGroups(
  groups: ReadonlyMap<string, ArmMoments>,
  shares: ReadonlyMap<string, number>,
): void {
  for (const [group, arm] of groups) {
    if (!shares.has(group)) {
      throw new CliUsageError(
        `the decisions have ${plural(arm.learners, 'learner')} in ${describeGroup(group)}, where the config's assignment puts none: pass the config the decisions were made with (--config)`,
      );
    }
  }
}

/**
 * The uplift of nudging: each arm's action rate, treated against holdout as absolute and relative
 * lift, and the sample ratio test of the groups against the config's split (`shares`).
 */
export function upliftReport(
  groups: ReadonlyMap<string, ArmMoments>,
  shares: ReadonlyMap<string, number>,
  { windowDays, targetLift, preDays, experiments = [] }: UpliftSettings,
): UpliftReport {
  requireArms(groups);
  requireExpectedGroups(groups, shares);
  const heldOut = groups.get(HOLDOUT)!;
  const nudged = mergedMoments(
    [...groups].flatMap(([group, arm]) => (group === HOLDOUT ? [] : [arm])),
  );
  const holdout = measureArm(HOLDOUT, heldOut);
  const treated = measureArm(TREATED, nudged);
  const variants = [...shares.keys()].flatMap((group) => {
    const members = groups.get(group);
    return group === HOLDOUT || group === TREATED || members === undefined
      ? []
      : [measureArm(group, members).row];
  });
  return {
    window_days: windowDays,
    arms: [holdout.row, treated.row, ...variants],
    absolute_lift: absoluteLift(treated.estimate, holdout.estimate),
    cuped: cupedLift(nudged, heldOut),
    relative_lift: relativeLift(treated.estimate, holdout.estimate),
    power: liftPower(
      { estimate: treated.estimate, learners: treated.row.learners },
      { estimate: holdout.estimate, learners: holdout.row.learners },
      targetLift,
    ),
    srm: sampleRatioTest(
      [...shares.keys()].map((group) => groups.get(group)?.learners ?? 0),
      [...shares.values()],
    ),
    pre_period: prePeriod([...groups.values()], preDays),
    variants: variantLifts(groups, experiments),
  };
}
