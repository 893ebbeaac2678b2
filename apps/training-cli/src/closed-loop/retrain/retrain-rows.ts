import { CalendarDay, formatCalendarDate, NUDGE_TYPES, NudgeType } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { NUDGE_ACTIONS } from '@app/contract';
import { actedWithin } from '../uplift/uplift';
import { GrowingArray } from '../../cli/growing-array';
import { ActionDays, LoggedDecisions } from './retrain-logs';

/** Fewer rows than this in a type's train or test split leave nothing worth fitting or scoring. */
export const MIN_ROWS = 10;

/** The decisions' days, and the first day of the test split: the last `holdoutDays` of them. */
export interface TimeSplit {
  readonly firstDay: CalendarDay;
  readonly lastDay: CalendarDay;
  readonly testFrom: CalendarDay;
}

/** One model's rows of a split: the decision each row's features come from, label and weight. */
export interface RowSet {
  /** Each row's decision, by its number in the log. */
  readonly decisions: Uint32Array;
  readonly labels: Uint8Array;
  readonly weights: Float64Array;
  readonly positives: number;
}

/** A model's train and test rows; `name` says which model in a refusal. */
export interface ModelRows {
  readonly name: string;
  readonly train: RowSet;
  readonly test: RowSet;
}

/** A nudge type's rows for its propensity model. */
export interface TypeRows extends Omit<ModelRows, 'name'> {
  readonly type: NudgeType;
}

export interface RowOptions {
  /** An action counts for a nudge on days asOf ≤ d < asOf + rewardDays. */
  readonly rewardDays: number;
  /** The largest weight a row gets, however small its propensity. */
  readonly clip: number;
  readonly testFrom: CalendarDay;
}

/**
 * Inverse propensity: what the logging policy rarely showed stands for the many times it did
 * not. Clipped, because one row of propensity 0.001 would otherwise outweigh a thousand others
 * and make the fit follow its noise.
 */
export function propensityWeight(propensity: number, clip: number): number {
  return Math.min(1 / propensity, clip);
}

/**
 * The test split is the decisions of the last `holdoutDays` days of the log: the models are
 * judged on days after every day they learned from, as a deployed model is. Throws when that
 * leaves no earlier day to train on.
 */
export function timeSplit(days: ArrayLike<CalendarDay>, holdoutDays: number): TimeSplit {
  let firstDay = days[0];
  let lastDay = days[0];
  for (let i = 1; i < days.length; i++) {
    if (days[i] < firstDay) firstDay = days[i];
    if (days[i] > lastDay) lastDay = days[i];
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
  private readonly decisions = new GrowingArray((n) => new Uint32Array(n));
  private readonly labels = new GrowingArray((n) => new Uint8Array(n));
  private readonly weights = new GrowingArray((n) => new Float64Array(n));
  private positives = 0;

  add(decision: number, label: number, weight: number): void {
    this.decisions.push(decision);
    this.labels.push(label);
    this.weights.push(weight);
    this.positives += label;
  }

  rowSet(): RowSet {
    return {
      decisions: this.decisions.toArray(),
      labels: this.labels.toArray(),
      weights: this.weights.toArray(),
      positives: this.positives,
    };
  }
}

/** A model's growing train and test rows: a row goes to the split of its decision's day. */
export class SplitColumns {
  readonly train = new RowColumns();
  readonly test = new RowColumns();

  constructor(private readonly testFrom: CalendarDay) {}

  add(decision: number, day: CalendarDay, label: number, weight: number): void {
    (day >= this.testFrom ? this.test : this.train).add(decision, label, weight);
  }
}

/**
 * One row per delivered nudge, every slot, split by its decision's day: label 1 when the learner
 * did the nudge's action within the reward window, weight min(1/shown propensity, clip). The
 * shown propensity of a nudge in slot s is the chance the logging policy showed what it showed in
 * slots 1..s: a slot's own propensity is conditional on the slots before it, so alone it would
 * weigh a slot-2 row as if slot 1 had been certain.
 */
export function typeRows(
  decisions: Pick<
    LoggedDecisions,
    'day' | 'learner' | 'nudgeDecision' | 'nudgeType' | 'nudgeShownPropensity'
  >,
  actionDays: ActionDays,
  options: RowOptions,
): TypeRows[] {
  const splits = NUDGE_TYPES.map(() => new SplitColumns(options.testFrom));
  decisions.nudgeDecision.forEach((decision, nudge) => {
    const t = decisions.nudgeType[nudge];
    const day = decisions.day[decision];
    const learnerDays = actionDays[NUDGE_ACTIONS[NUDGE_TYPES[t]]][decisions.learner[decision]];
    const label = actedWithin(learnerDays, day, options.rewardDays) ? 1 : 0;
    const weight = propensityWeight(decisions.nudgeShownPropensity[nudge], options.clip);
    splits[t].add(decision, day, label, weight);
  });
  return NUDGE_TYPES.map((type, t) => ({
    type,
    train: splits[t].train.rowSet(),
    test: splits[t].test.rowSet(),
  }));
}

/**
 * The decisions before the test split, optionally only those `keep` accepts: the rows the
 * standardisation is fitted on.
 */
export function trainDecisions(
  day: ArrayLike<CalendarDay>,
  testFrom: CalendarDay,
  keep: (decision: number) => boolean = () => true,
): Uint32Array {
  const rows: number[] = [];
  for (let decision = 0; decision < day.length; decision++) {
    if (day[decision] < testFrom && keep(decision)) rows.push(decision);
  }
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
 * Refuses logs that cannot give every model of the set (`what`: "every nudge type") its rows,
 * naming each model that lacks them and why.
 */
export function requireTrainableModels(
  models: readonly ModelRows[],
  what: string,
  decisionsPath: string,
): void {
  const problems = models.flatMap((rows) => {
    const found = [splitProblem(rows.train, 'train'), splitProblem(rows.test, 'test')].filter(
      (problem): problem is string => problem !== undefined,
    );
    return found.length === 0 ? [] : [`${rows.name}: ${found.join(', ')}`];
  });
  if (problems.length > 0) {
    throw new CliUsageError(
      `cannot train ${what} from ${decisionsPath}: ${problems.join('; ')} (each needs at least ${MIN_ROWS} train and ${MIN_ROWS} test rows, with both labels in each)`,
    );
  }
}

/**
 * Refuses logs that cannot give every type a model: a model set missing a type would make the
 * API answer that type from its rules alone, which a retrain should never do silently.
 */
export function requireTrainable(types: readonly TypeRows[], decisionsPath: string): void {
  requireTrainableModels(
    types.map((rows) => ({ ...rows, name: rows.type })),
    'every nudge type',
    decisionsPath,
  );
}
