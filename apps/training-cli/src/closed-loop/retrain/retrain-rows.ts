import { CalendarDay, formatCalendarDate, NUDGE_TYPES, NudgeType } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { NUDGE_ACTIONS } from '@app/contract';
import { actedWithin } from '../uplift/uplift';
import { ActionDays, DeliveredNudges } from './retrain-logs';

/** Fewer rows than this in a type's train or test split leave nothing worth fitting or scoring. */
export const MIN_ROWS = 10;

/** The decisions' days, and the first day of the test split: the last `holdoutDays` of them. */
export interface TimeSplit {
  readonly firstDay: CalendarDay;
  readonly lastDay: CalendarDay;
  readonly testFrom: CalendarDay;
}

/** One type's rows of a split: the decision each row's features come from, label and weight. */
export interface RowSet {
  /** Each row's decision, as an index among the delivering decisions. */
  readonly decisions: Uint32Array;
  readonly labels: Uint8Array;
  readonly weights: Float64Array;
  readonly positives: number;
}

export interface TypeRows {
  readonly type: NudgeType;
  readonly train: RowSet;
  readonly test: RowSet;
}

export interface RowOptions {
  /** An action counts for a nudge on days asOf ≤ d < asOf + rewardDays. */
  readonly rewardDays: number;
  /** The largest weight a row gets, however small its propensity. */
  readonly clip: number;
  readonly testFrom: CalendarDay;
}

/**
 * Inverse propensity: a nudge the logging policy rarely put in its slot stands for the many
 * times it did not. Clipped, because one row of propensity 0.001 would otherwise outweigh a
 * thousand others and make the fit follow its noise.
 */
export function propensityWeight(propensity: number, clip: number): number {
  return Math.min(1 / propensity, clip);
}

/**
 * The test split is the decisions of the last `holdoutDays` days of the log: the models are
 * judged on days after every day they learned from, as a deployed model is. Throws when that
 * leaves no earlier day to train on.
 */
export function timeSplit(days: readonly CalendarDay[], holdoutDays: number): TimeSplit {
  let firstDay = days[0];
  let lastDay = days[0];
  for (const day of days) {
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  const testFrom = lastDay - holdoutDays + 1;
  if (testFrom <= firstDay) {
    const span = lastDay - firstDay + 1;
    throw new CliUsageError(
      `the decisions span ${span} day${span === 1 ? '' : 's'} (${formatCalendarDate(firstDay)} to ${formatCalendarDate(lastDay)}): --holdout-days ${holdoutDays} leaves none to train on`,
    );
  }
  return { firstDay, lastDay, testFrom };
}

/** Growing columns of one split's rows. */
class RowColumns {
  readonly decisions: number[] = [];
  readonly labels: number[] = [];
  readonly weights: number[] = [];

  add(decision: number, label: number, weight: number): void {
    this.decisions.push(decision);
    this.labels.push(label);
    this.weights.push(weight);
  }

  rowSet(): RowSet {
    return {
      decisions: Uint32Array.from(this.decisions),
      labels: Uint8Array.from(this.labels),
      weights: Float64Array.from(this.weights),
      positives: this.labels.reduce((sum, label) => sum + label, 0),
    };
  }
}

/**
 * One row per delivered nudge, every slot, split by its decision's day: label 1 when the learner
 * did the nudge's action within the reward window, weight min(1/propensity, clip).
 */
export function typeRows(
  nudges: Pick<
    DeliveredNudges,
    'decisionDay' | 'decisionLearner' | 'nudgeDecision' | 'nudgeType' | 'nudgePropensity'
  >,
  actionDays: ActionDays,
  options: RowOptions,
): TypeRows[] {
  const splits = NUDGE_TYPES.map(() => ({ train: new RowColumns(), test: new RowColumns() }));
  nudges.nudgeDecision.forEach((decision, nudge) => {
    const t = nudges.nudgeType[nudge];
    const day = nudges.decisionDay[decision];
    const learnerDays = actionDays[NUDGE_ACTIONS[NUDGE_TYPES[t]]][nudges.decisionLearner[decision]];
    const label = actedWithin(learnerDays, day, options.rewardDays) ? 1 : 0;
    const weight = propensityWeight(nudges.nudgePropensity[nudge], options.clip);
    const split = day >= options.testFrom ? splits[t].test : splits[t].train;
    split.add(decision, label, weight);
  });
  return NUDGE_TYPES.map((type, t) => ({
    type,
    train: splits[t].train.rowSet(),
    test: splits[t].test.rowSet(),
  }));
}

/** The delivering decisions before the test split: the rows the standardisation is fitted on. */
export function trainDecisions(
  decisionDay: readonly CalendarDay[],
  testFrom: CalendarDay,
): Uint32Array {
  const rows: number[] = [];
  decisionDay.forEach((day, decision) => {
    if (day < testFrom) rows.push(decision);
  });
  return Uint32Array.from(rows);
}

function splitProblem(rows: RowSet, split: 'train' | 'test'): string | undefined {
  const count = rows.labels.length;
  if (count < MIN_ROWS) return `${count} ${split} row${count === 1 ? '' : 's'}`;
  if (rows.positives === 0) return `no positive ${split} rows`;
  if (rows.positives === count) return `no negative ${split} rows`;
  return undefined;
}

/**
 * Refuses logs that cannot give every type a model: a model set missing a type would make the
 * API answer that type from its rules alone, which a retrain should never do silently.
 */
export function requireTrainable(types: readonly TypeRows[], decisionsPath: string): void {
  const problems = types.flatMap((rows) => {
    const found = [splitProblem(rows.train, 'train'), splitProblem(rows.test, 'test')].filter(
      (problem): problem is string => problem !== undefined,
    );
    return found.length === 0 ? [] : [`${rows.type}: ${found.join(', ')}`];
  });
  if (problems.length > 0) {
    throw new CliUsageError(
      `cannot train every nudge type from ${decisionsPath}: ${problems.join('; ')} (each needs at least ${MIN_ROWS} train and ${MIN_ROWS} test rows, with both labels in each)`,
    );
  }
}
