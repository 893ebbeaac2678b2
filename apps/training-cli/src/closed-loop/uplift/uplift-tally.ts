import { LogLine } from '@app/contract/decision-log';
import { CalendarDay } from '@app/learner';
import { LogFiles } from '../../cli/log-file';
import { addMoments, ArmMoments, emptyMoments } from './arm-moments';
import { HOLDOUT, TREATED } from './group-of';
import { WeeklyRate } from './uplift-html';

/**
 * A map's entries by key: a report, and a partial, are the same whichever learner came first.
 * (Not localeCompare: the order must not depend on the machine's locale.)
 */
export function byKey<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Where a line is, in an order that every shard of a run shares: its file's index, its number. */
export interface LinePlace {
  readonly file: number;
  readonly line: number;
}

/** The line a place names in `log`. */
export function placeLine(log: LogFiles, { file, line }: LinePlace): LogLine {
  return { file: log.files[file], line };
}

export function isBefore(a: LinePlace, b: LinePlace): boolean {
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}

/** Copies of earlier decisions' lines that were skipped: how many, and the first. */
export interface CopyCount {
  readonly lines: number;
  readonly first: LinePlace;
}

/** Decisions made under a config other than the one the split is expected from. */
export interface HashMismatch {
  readonly decisions: number;
  readonly first: LinePlace;
  readonly hash: string;
  readonly expected: string;
}

/** A day's decisions of a group, and how many of them an action followed within the window. */
export interface DayCount {
  decisions: number;
  acted: number;
}

/**
 * What `uplift` knows of a set of learners once their decisions and outcomes are read: sums that
 * merge by adding (or, for the first of something, by taking the earlier). One process tallies
 * every learner; a shard tallies the learners whose hash falls in it; the tallies of all shards,
 * merged, are the one-process tally but for the order of the additions.
 */
export interface UpliftTally {
  /** Lines in the whole decisions and outcomes logs: every shard reads them all. */
  readonly decisionLines: number;
  readonly outcomeLines: number;
  /** Decisions counted: every line of the tally's learners but skipped copies. */
  decisions: number;
  /** Each group's sums. */
  readonly groups: Map<string, ArmMoments>;
  /** Each group's decisions by day. */
  readonly days: Map<string, Map<CalendarDay, DayCount>>;
  copies: CopyCount | undefined;
  mismatch: HashMismatch | undefined;
  /** Outcomes of the tally's learners on or after their own first decision. */
  following: number;
}

export function emptyTally(decisionLines: number, outcomeLines: number): UpliftTally {
  return {
    decisionLines,
    outcomeLines,
    decisions: 0,
    groups: new Map(),
    days: new Map(),
    copies: undefined,
    mismatch: undefined,
    following: 0,
  };
}

/** The group's sums in the tally, made on first use. */
export function groupMoments(tally: UpliftTally, group: string): ArmMoments {
  let moments = tally.groups.get(group);
  if (moments === undefined) tally.groups.set(group, (moments = emptyMoments()));
  return moments;
}

/** The group's count for the day in the tally, made on first use. */
export function dayCount(tally: UpliftTally, group: string, day: CalendarDay): DayCount {
  let days = tally.days.get(group);
  if (days === undefined) tally.days.set(group, (days = new Map<CalendarDay, DayCount>()));
  let count = days.get(day);
  if (count === undefined) days.set(day, (count = { decisions: 0, acted: 0 }));
  return count;
}

function earlier<T extends { readonly first: LinePlace }>(a: T, b: T): T {
  return isBefore(b.first, a.first) ? b : a;
}

/** Adds `from` to `into`: the tally of both sets of learners. */
export function addTally(into: UpliftTally, from: UpliftTally): void {
  into.decisions += from.decisions;
  into.following += from.following;
  for (const [group, moments] of from.groups) addMoments(groupMoments(into, group), moments);
  for (const [group, days] of from.days) {
    for (const [day, count] of days) {
      const sum = dayCount(into, group, day);
      sum.decisions += count.decisions;
      sum.acted += count.acted;
    }
  }
  if (from.copies !== undefined) {
    into.copies =
      into.copies === undefined
        ? from.copies
        : { ...earlier(into.copies, from.copies), lines: into.copies.lines + from.copies.lines };
  }
  if (from.mismatch !== undefined) {
    into.mismatch =
      into.mismatch === undefined
        ? from.mismatch
        : {
            ...earlier(into.mismatch, from.mismatch),
            decisions: into.mismatch.decisions + from.mismatch.decisions,
          };
  }
}

/**
 * Each arm's action rate week by week, the weeks counted from the first decision's day: the
 * holdout, treated (every learner not held out), then each variant, as the report's arms. A
 * decision counts in the week of its day. Arms in `arms` order; a week without a decision of the
 * arm is null.
 */
export function weeklyRates(tally: UpliftTally, arms: readonly string[]): WeeklyRate[] {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const days of tally.days.values()) {
    for (const day of days.keys()) {
      first = Math.min(first, day);
      last = Math.max(last, day);
    }
  }
  const weeks = Number.isFinite(first) ? Math.floor((last - first) / 7) + 1 : 0;
  const tallies = new Map(
    arms.map((arm) => [
      arm,
      { made: new Array<number>(weeks).fill(0), acted: new Array<number>(weeks).fill(0) },
    ]),
  );
  for (const [group, days] of tally.days) {
    for (const [day, count] of days) {
      const week = Math.floor((day - first) / 7);
      for (const arm of group === HOLDOUT || group === TREATED ? [group] : [TREATED, group]) {
        const arms = tallies.get(arm);
        if (arms === undefined) continue;
        arms.made[week] += count.decisions;
        arms.acted[week] += count.acted;
      }
    }
  }
  return arms.map((arm) => {
    const { made, acted } = tallies.get(arm)!;
    return { arm, rates: made.map((count, w) => (count === 0 ? null : acted[w] / count)) };
  });
}
