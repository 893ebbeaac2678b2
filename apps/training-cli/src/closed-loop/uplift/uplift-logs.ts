import { hash } from 'node:crypto';
import { CalendarDay, formatCalendarDate } from '@app/learner';
import { plural } from '../../cli/format';
import { CliUsageError } from '../../cli/cli-errors';
import { GrowingArray } from '../../cli/growing-array';
import { lineIn, LogFiles } from '../../cli/log-file';
import {
  DecisionRecord,
  forEachLogLine,
  lineName,
  LogLine,
  OutcomeAction,
  parseDecisionLine,
  parseOutcomeLine,
} from '@app/contract';
import { groupOf, HOLDOUT, TREATED } from './groups';
import { WeeklyRate } from './uplift-html';
import { actedWithin, GroupedTally } from './uplift';
import { preRate } from './cuped';
import { DecisionLines } from './decision-lines';

/** Copies of earlier decisions' lines that a decision table skipped: how many, and the first. */
export interface SkippedCopies {
  readonly lines: number;
  readonly first: LogLine;
}

/** A line's digest: the first 64 bits of its text's SHA-256, as two 32-bit words. */
type LineDigest = readonly [number, number];

function lineDigest(text: string): LineDigest {
  // The one-shot hash: a Hash object a line would take longer than hashing the line.
  const digest = hash('sha256', text, 'buffer');
  return [digest.readUInt32LE(0), digest.readUInt32LE(4)];
}

/**
 * What `uplift` keeps of the decisions log: per decision its learner, its day, its line and the
 * digest of its line's text; per learner its group. Learners and decisions are numbered in the
 * order they first appear.
 *
 * A collector that receives a retried batch twice logs its lines twice: a line that repeats the
 * first line of its decision_id byte for byte is such a copy, skipped and counted. The digest,
 * 8 bytes a decision, tells a copy without keeping any line's text.
 */
export class DecisionTable {
  private readonly decisionNumbers = new Map<string, number>();
  private readonly learnerNumbers = new Map<string, number>();
  private readonly lines = new DecisionLines();
  private readonly digests = new GrowingArray((n) => new Uint32Array(n));
  private copyLines = 0;
  private firstCopy: LogLine | undefined;
  /** Per decision. */
  readonly learnerOf: number[] = [];
  readonly dayOf: CalendarDay[] = [];
  /** Per learner. */
  readonly userIds: string[] = [];
  readonly groups: string[] = [];

  constructor(readonly log: LogFiles) {}

  get decisions(): number {
    return this.learnerOf.length;
  }

  /** The copies skipped, if any. */
  get copies(): SkippedCopies | undefined {
    return this.firstCopy === undefined
      ? undefined
      : { lines: this.copyLines, first: this.firstCopy };
  }

  /**
   * Adds the decision read from `text` on line `at`, or skips the line as a copy; says whether
   * it added it. A repeated id on a line of other text, or a learner changing group, throws.
   */
  add(decision: DecisionRecord, day: CalendarDay, text: string, at: LogLine): boolean {
    const digest = lineDigest(text);
    const earlier = this.decisionNumbers.get(decision.decision_id);
    if (earlier !== undefined) {
      if (!this.hasDigest(earlier, digest)) {
        throw new CliUsageError(
          `${lineName(at)}: decision_id: ${JSON.stringify(decision.decision_id)} is already on ${lineIn(this.log, this.lineOf(earlier))}`,
        );
      }
      this.copyLines++;
      this.firstCopy ??= at;
      return false;
    }
    const learner = this.learnerFor(decision, at);
    this.decisionNumbers.set(decision.decision_id, this.decisions);
    this.lines.add(this.decisions, at);
    this.digests.pushAll(digest);
    this.learnerOf.push(learner);
    this.dayOf.push(day);
    return true;
  }

  /** The decision's number, if the log has it. */
  decisionNumber(decisionId: string): number | undefined {
    return this.decisionNumbers.get(decisionId);
  }

  /** The line decision number `decision` was read on. */
  lineOf(decision: number): LogLine {
    return this.lines.of(decision);
  }

  learnerNumber(userId: string): number | undefined {
    return this.learnerNumbers.get(userId);
  }

  private hasDigest(decision: number, [low, high]: LineDigest): boolean {
    return this.digests.at(2 * decision) === low && this.digests.at(2 * decision + 1) === high;
  }

  /** Assignment is by user_id, so a learner is in one group for the whole log. */
  private learnerFor(decision: DecisionRecord, at: LogLine): number {
    const group = groupOf(decision.assignment);
    const known = this.learnerNumbers.get(decision.user_id);
    if (known === undefined) {
      this.learnerNumbers.set(decision.user_id, this.userIds.length);
      this.userIds.push(decision.user_id);
      this.groups.push(group);
      return this.userIds.length - 1;
    }
    if (this.groups[known] !== group) {
      const first = this.lineOf(this.learnerOf.indexOf(known));
      throw new CliUsageError(
        `${lineName(at)}: assignment: user_id ${JSON.stringify(decision.user_id)} is in ${group} here but in ${this.groups[known]} on ${lineIn(this.log, first)}; a learner keeps one group for the whole log`,
      );
    }
    return known;
  }
}

/** Decisions made under a config other than the one the split is expected from. */
export interface ConfigHashMismatch {
  readonly decisions: number;
  readonly first: LogLine;
  readonly hash: string;
  readonly expected: string;
}

export interface DecisionLog {
  readonly table: DecisionTable;
  readonly mismatch: ConfigHashMismatch | undefined;
}

/**
 * Reads decisions.ndjson. `configHash` gives the config hash a group's decisions should carry
 * in their policy_version (a variant with overrides has a config, and a hash, of its own), or
 * undefined when the config does not know the group.
 */
export async function readDecisions(
  log: LogFiles,
  configHash: (group: string) => string | undefined,
): Promise<DecisionLog> {
  const table = new DecisionTable(log);
  let mismatch: ConfigHashMismatch | undefined;
  await forEachLogLine(log.files, (text, at) => {
    const { record, day } = parseDecisionLine(text, lineName(at));
    if (!table.add(record, day, text, at)) return;
    const hash = record.policy_version.split('/')[1];
    const expected = configHash(groupOf(record.assignment));
    if (expected !== undefined && hash !== expected) {
      mismatch =
        mismatch === undefined
          ? { decisions: 1, first: at, hash, expected }
          : { ...mismatch, decisions: mismatch.decisions + 1 };
    }
  });
  if (table.decisions === 0) throw new CliUsageError(`${log.name} has no decisions`);
  return { table, mismatch };
}

/** The first day of the decisions log: an outcome before it follows none of its decisions. */
function firstDecisionDay(decisions: DecisionTable): CalendarDay {
  let first = decisions.dayOf[0];
  for (const day of decisions.dayOf) first = Math.min(first, day);
  return first;
}

/**
 * A reader of the lines of outcomes.ndjson (`where` names the file and line): it checks the
 * line, and that an outcome naming its decision names one of the decisions log made for the
 * same learner, then hands `visit` the action of a learner who has decisions. Actions of
 * learners without decisions cannot follow one and are skipped. Once every line is read,
 * `requireOverlap` refuses a log that cannot hold the decisions' outcomes: an empty one, which
 * would read as no learner ever acting, or one none of whose actions is by the decisions'
 * learners on or after the first decision's day.
 */
export class OutcomeLineReader {
  private lines = 0;
  private following = 0;
  private readonly firstDay: CalendarDay;

  constructor(
    private readonly decisions: DecisionTable,
    private readonly visit: (learner: number, action: OutcomeAction, day: CalendarDay) => void,
  ) {
    this.firstDay = firstDecisionDay(decisions);
  }

  readonly line = (text: string, where: string): void => {
    const { record, day } = parseOutcomeLine(text, where);
    if (record.decision_id !== undefined) {
      requireOwnDecision(record.decision_id, record.user_id, this.decisions, where);
    }
    this.lines++;
    const learner = this.decisions.learnerNumber(record.user_id);
    if (learner === undefined) return;
    if (day >= this.firstDay) this.following++;
    this.visit(learner, record.action, day);
  };

  requireOverlap(name: string): void {
    if (this.lines === 0) {
      throw new CliUsageError(
        `${name} has no outcomes: an empty log would read as no learner ever acting; export the platform's actions for the decisions' days`,
      );
    }
    if (this.following === 0) {
      throw new CliUsageError(
        `${name}: none of its ${plural(this.lines, 'outcome')} is by a learner of ${this.decisions.log.name} on or after the first decision's day (${formatCalendarDate(this.firstDay)}): the two logs do not overlap`,
      );
    }
  }
}

/** Reads outcomes.ndjson line by line through an OutcomeLineReader, and checks the overlap. */
export async function forEachOutcome(
  log: LogFiles,
  decisions: DecisionTable,
  visit: (learner: number, action: OutcomeAction, day: CalendarDay) => void,
): Promise<void> {
  const reader = new OutcomeLineReader(decisions, visit);
  await forEachLogLine(log.files, (text, at) => reader.line(text, lineName(at)));
  reader.requireOverlap(log.name);
}

/** Each learner's action days (any action), sorted: what the action rate is measured on. */
export async function readOutcomes(
  log: LogFiles,
  decisions: DecisionTable,
): Promise<CalendarDay[][]> {
  const actionDays: CalendarDay[][] = decisions.userIds.map(() => []);
  await forEachOutcome(log, decisions, (learner, _action, day) => actionDays[learner].push(day));
  for (const days of actionDays) days.sort((a, b) => a - b);
  return actionDays;
}

/** An outcome that names its decision must name one of the log's, made for the same learner. */
export function requireOwnDecision(
  decisionId: string,
  userId: string,
  decisions: DecisionTable,
  where: string,
): void {
  const id = JSON.stringify(decisionId);
  const decision = decisions.decisionNumber(decisionId);
  if (decision === undefined) {
    throw new CliUsageError(`${where}: decision_id: ${id} is not in ${decisions.log.name}`);
  }
  const owner = decisions.userIds[decisions.learnerOf[decision]];
  if (owner !== userId) {
    throw new CliUsageError(
      `${where}: decision_id: ${id} was made for user_id ${JSON.stringify(owner)} (${lineName(decisions.lineOf(decision))}), not ${JSON.stringify(userId)}`,
    );
  }
}

/** The first day any of the decisions' learners acted: where the outcomes log's coverage begins. */
function firstActionDay(actionDays: readonly (readonly CalendarDay[])[]): CalendarDay | undefined {
  let first: CalendarDay | undefined;
  for (const days of actionDays) {
    if (days.length > 0 && (first === undefined || days[0] < first)) first = days[0];
  }
  return first;
}

/**
 * Each learner's pre-period (preRate): the days before their first decision, from the first day
 * the outcomes log has an action of the decisions' learners on, or with `preDays` the last
 * `preDays` of them. Never before that first day: what the log does not cover is not a day
 * without actions.
 */
function preRates(
  firstDecision: readonly CalendarDay[],
  actionDays: readonly (readonly CalendarDay[])[],
  windowDays: number,
  preDays: number | undefined,
): (number | null)[] {
  const logStart = firstActionDay(actionDays);
  return firstDecision.map((first, learner) => {
    if (logStart === undefined) return null;
    const from = preDays === undefined ? logStart : Math.max(logStart, first - preDays);
    return preRate(actionDays[learner], from, first, windowDays);
  });
}

/**
 * Per learner: decisions, how many an action followed within the window, the group, and the
 * pre-period's action rate (null without a pre-period day) that CUPED adjusts by.
 */
export function tallyLearners(
  decisions: DecisionTable,
  actionDays: readonly (readonly CalendarDay[])[],
  windowDays: number,
  preDays?: number,
): GroupedTally[] {
  const made = new Array<number>(decisions.userIds.length).fill(0);
  const acted = new Array<number>(decisions.userIds.length).fill(0);
  const firstDecision = new Array<CalendarDay>(decisions.userIds.length).fill(Infinity);
  for (let i = 0; i < decisions.decisions; i++) {
    const learner = decisions.learnerOf[i];
    made[learner]++;
    firstDecision[learner] = Math.min(firstDecision[learner], decisions.dayOf[i]);
    if (actedWithin(actionDays[learner], decisions.dayOf[i], windowDays)) acted[learner]++;
  }
  const covariates = preRates(firstDecision, actionDays, windowDays, preDays);
  return decisions.groups.map((group, learner) => ({
    group,
    decisions: made[learner],
    acted: acted[learner],
    covariate: covariates[learner],
  }));
}

/**
 * Each arm's action rate week by week, the weeks counted from the first decision's day: the
 * holdout, treated (every learner not held out), then each variant, as the report's arms. A
 * decision counts in the week of its day. Arms in `arms` order; a week without a decision of the
 * arm is null.
 */
export function weeklyRates(
  decisions: DecisionTable,
  actionDays: readonly (readonly CalendarDay[])[],
  windowDays: number,
  arms: readonly string[],
): WeeklyRate[] {
  const first = firstDecisionDay(decisions);
  let weeks = 0;
  for (const day of decisions.dayOf) weeks = Math.max(weeks, Math.floor((day - first) / 7) + 1);
  const tallies = new Map(
    arms.map((arm) => [
      arm,
      { made: new Array<number>(weeks).fill(0), acted: new Array<number>(weeks).fill(0) },
    ]),
  );
  for (let i = 0; i < decisions.decisions; i++) {
    const learner = decisions.learnerOf[i];
    const group = decisions.groups[learner];
    const week = Math.floor((decisions.dayOf[i] - first) / 7);
    const acted = actedWithin(actionDays[learner], decisions.dayOf[i], windowDays) ? 1 : 0;
    for (const arm of group === HOLDOUT || group === TREATED ? [group] : [TREATED, group]) {
      const tally = tallies.get(arm);
      if (tally === undefined) continue;
      tally.made[week]++;
      tally.acted[week] += acted;
    }
  }
  return arms.map((arm) => {
    const { made, acted } = tallies.get(arm)!;
    return { arm, rates: made.map((count, w) => (count === 0 ? null : acted[w] / count)) };
  });
}
