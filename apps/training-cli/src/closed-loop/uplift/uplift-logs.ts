import xxhash, { XXHashAPI } from 'xxhash-wasm';
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
  parseOutcomeLine,
} from '@app/contract/decision-log';
import { groupOf } from './group-of';
import { DecisionLines } from './decision-lines';

/** Copies of earlier decisions' lines that a decision table skipped: how many, and the first. */
export interface SkippedCopies {
  readonly lines: number;
  readonly first: LogLine;
}

/**
 * A line's digest: the 64-bit xxHash (XXH64) of its text's UTF-8, as two signed 32-bit words:
 * small integers to Node's V8, which prints and parses them several times faster than the
 * unsigned words of 2³¹ and above, which it keeps as doubles (a partition record holds both).
 */
type LineDigest = readonly [number, number];

let hasher: XXHashAPI | undefined;
let loading: Promise<XXHashAPI> | undefined;

/**
 * Loads the digest's WebAssembly, once per thread: anything that calls lineDigest awaits it
 * first. XXH64 rather than SHA-256: the digest tells a copy of a line from another line under
 * the same decision_id, an accident to detect, not an attack to resist, and SHA-256 of each line
 * was a tenth of ope's first pass (2 to 3 µs a 1.7 KB line; XXH64 0.3 µs).
 */
export async function loadLineDigest(): Promise<void> {
  hasher ??= await (loading ??= xxhash());
}

export function lineDigest(text: string): LineDigest {
  if (hasher === undefined) throw new Error('lineDigest needs loadLineDigest first');
  const digest = hasher.h64(text);
  return [Number(BigInt.asIntN(32, digest)), Number(BigInt.asIntN(32, digest >> 32n))];
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
  private readonly digests = new GrowingArray((n) => new Int32Array(n));
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
