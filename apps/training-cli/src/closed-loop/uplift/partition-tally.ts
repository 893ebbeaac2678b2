import { lineName } from '@app/contract/decision-log';
import { CalendarDay } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { GrowingArray } from '../../cli/growing-array';
import { PartitionLayout, ReadBuffer, RecordReader } from '../../cli/learner-partitions';
import { lineIn, LogFiles } from '../../cli/log-file';
import { LogUnit, UnitPlaces } from '../../cli/log-units';
import { addLearner } from './arm-moments';
import { preRate } from './cuped';
import { DecisionRecordLine, IdRecordLine } from './decision-pass';
import type { outcomeRecordText } from './outcome-pass';
import { actedWithin } from './uplift';
import {
  CopyCount,
  dayCount,
  emptyTally,
  groupMoments,
  isBefore,
  LinePlace,
  placeLine,
  UpliftTally,
} from './uplift-tally';

/** The two logs of the closed loop, resolved to their files. */
export interface ClosedLoopLogs {
  readonly decisions: LogFiles;
  readonly outcomes: LogFiles;
}

/** The writer of the outcomes' partition files: the one that reads the outcomes log. */
export const OUTCOMES_WRITER = 'outcomes';

/**
 * What joining a partition's decisions and outcomes needs once both logs are read, as plain
 * data, so that a thread of its own can do it.
 */
export interface PartitionJoin {
  readonly layout: PartitionLayout;
  readonly logs: ClosedLoopLogs;
  /** The decisions log's units and each unit's lines: where each decision's line is. */
  readonly units: readonly LogUnit[];
  readonly unitLines: readonly number[];
  /** The writers of the decisions' partition files. */
  readonly writers: readonly string[];
}

/** What tallying a partition for `uplift` needs beside the join. */
export interface PartitionJob extends PartitionJoin {
  readonly windowDays: number;
  readonly preDays: number | undefined;
  /** The outcomes log's first day: where every pre-period may start. */
  readonly logStart: CalendarDay | undefined;
  /**
   * The config hash each group the config knows should carry in its decisions' policy_version (a
   * variant with overrides has a config, and a hash, of its own).
   */
  readonly configHashes: Readonly<Record<string, string>>;
}

/**
 * An outcome as its partition keeps it (outcomeRecordText's fields, which write it): null for an
 * outcome that names no decision.
 */
export type OutcomeRecordLine = Parameters<typeof outcomeRecordText>;

function placeName(log: LogFiles, place: LinePlace): string {
  return lineIn(log, placeLine(log, place));
}

/** `<file> line <n>`: how a message about a line starts. */
function where(log: LogFiles, place: LinePlace): string {
  return lineName(placeLine(log, place));
}

/** One partition's learners, as its decisions give them. */
export class PartitionLearners {
  private readonly numbers = new Map<string, number>();
  readonly userIds: string[] = [];
  readonly groups: string[] = [];
  /** Where each learner's first decision is, for the message of a learner changing group. */
  readonly firstPlace: LinePlace[] = [];
  readonly decisionDays: CalendarDay[][] = [];

  constructor(private readonly log: LogFiles) {}

  numberOf(userId: string): number | undefined {
    return this.numbers.get(userId);
  }

  /** Assignment is by user_id, so a learner is in one group for the whole log. */
  add(userId: string, group: string, day: CalendarDay, place: LinePlace): number {
    let learner = this.numbers.get(userId);
    if (learner === undefined) {
      learner = this.userIds.length;
      this.numbers.set(userId, learner);
      this.userIds.push(userId);
      this.groups.push(group);
      this.firstPlace.push(place);
      this.decisionDays.push([]);
    } else if (this.groups[learner] !== group) {
      throw new CliUsageError(
        `${where(this.log, place)}: assignment: user_id ${JSON.stringify(userId)} is in ${group} here but in ${this.groups[learner]} on ${placeName(this.log, this.firstPlace[learner])}; a learner keeps one group for the whole log`,
      );
    }
    this.decisionDays[learner].push(day);
    return learner;
  }
}

/** The buffers this thread reads partition files into, one per file open at once. */
const readBuffers: ReadBuffer[] = [];
const readBuffer = (slot: number): ReadBuffer => (readBuffers[slot] ??= new ReadBuffer());

/** A record read back, and where its line is in the log. */
interface Placed<T> {
  readonly record: T;
  readonly place: LinePlace;
}

/**
 * The decisions' partitions once every unit is read: a partition's records, each with its line's
 * place in the log, in the log's order whichever thread read them.
 */
class DecisionPartitions {
  private readonly places: UnitPlaces;

  constructor(private readonly job: PartitionJoin) {
    this.places = new UnitPlaces(job.units, job.unitLines);
  }

  /**
   * Hands each record of a partition's `kind` to `visit` in the log's order, with its place. A
   * writer adds its records in the log's order (a thread is handed units in the log's order, and
   * reads a unit's lines in turn), so the writers' records are merged as they are read, one
   * parsed at a time: a record the visitor does not keep dies young, where an array of them all,
   * sorted, lived through the partition.
   */
  forEachPlaced<T extends DecisionRecordLine | IdRecordLine>(
    partition: number,
    kind: 'decisions' | 'ids',
    visit: (record: T, place: LinePlace) => void,
  ): void {
    const unitAt = kind === 'decisions' ? 4 : 1;
    const { layout, writers } = this.job;
    const readers = writers.map((writer, i) =>
      RecordReader.open(layout, partition, kind, writer, readBuffer(i)),
    );
    const read = (reader: RecordReader): Placed<T> | undefined => {
      const text = reader.next();
      if (text === undefined) return undefined;
      const record = JSON.parse(text) as T;
      return {
        record,
        place: this.places.place(record[unitAt] as number, record[unitAt + 1] as number),
      };
    };
    const heads = readers.map(read);
    for (;;) {
      let first = -1;
      for (let w = 0; w < heads.length; w++) {
        const head = heads[w];
        if (head !== undefined && (first < 0 || isBefore(head.place, heads[first]!.place))) {
          first = w;
        }
      }
      if (first < 0) return;
      const { record, place } = heads[first]!;
      const next = read(readers[first]);
      if (next !== undefined && !isBefore(place, next.place)) {
        throw new Error(
          `partition ${partition}: ${writers[first]} wrote its ${kind} records out of the log's order`,
        );
      }
      heads[first] = next;
      visit(record, place);
    }
  }
}

/**
 * Checks one partition's decision ids: a line repeating the first line of its decision_id byte
 * for byte is a copy (a batch a collector received twice), counted into `counts`; a repeated id
 * on other text is refused, naming both lines.
 */
function checkIds(
  log: LogFiles,
  decisions: DecisionPartitions,
  partition: number,
  counts: { copies: CopyCount | undefined },
): void {
  // Each id's first line, by number: its place and digest in columns, not an object per id.
  const firsts = new Map<string, number>();
  const places: LinePlace[] = [];
  const digests = new GrowingArray((length) => new Int32Array(length));
  decisions.forEachPlaced<IdRecordLine>(partition, 'ids', (record, place) => {
    const [id, , , low, high] = record;
    const first = firsts.get(id);
    if (first === undefined) {
      firsts.set(id, places.length);
      places.push(place);
      digests.push(low);
      digests.push(high);
      return;
    }
    if (digests.at(2 * first) !== low || digests.at(2 * first + 1) !== high) {
      throw new CliUsageError(
        `${where(log, place)}: decision_id: ${JSON.stringify(id)} is already on ${placeName(log, places[first])}`,
      );
    }
    const copies = counts.copies;
    counts.copies = {
      lines: (copies?.lines ?? 0) + 1,
      first: copies === undefined || isBefore(place, copies.first) ? place : copies.first,
    };
  });
}

/** What joining a partition counts: decisions (copies skipped), and outcomes after them. */
export interface JoinCounts {
  decisions: number;
  following: number;
  copies: CopyCount | undefined;
}

/** A partition's learners with their decisions and, sorted, their action days. */
export interface JoinedPartition {
  readonly learners: PartitionLearners;
  readonly actionDays: readonly CalendarDay[][];
  /** Each learner's first decision's day. */
  readonly firstDays: readonly CalendarDay[];
}

/**
 * Joins one partition's decisions and outcomes: its ids are checked (checkIds), its decisions
 * read in log order, a copy skipped, each handed to `visit` with its place and learner number,
 * and its outcomes checked: one naming a decision must name one of its learner's.
 */
export function joinPartition(
  job: PartitionJoin,
  partition: number,
  counts: JoinCounts,
  visit: (record: DecisionRecordLine, place: LinePlace, learner: number) => void,
): JoinedPartition {
  const { logs } = job;
  const decisions = new DecisionPartitions(job);
  checkIds(logs.decisions, decisions, partition, counts);
  const owners = new Map<string, string>();
  const learners = new PartitionLearners(logs.decisions);
  decisions.forEachPlaced<DecisionRecordLine>(partition, 'decisions', (record, place) => {
    const [id, userId, day, group] = record;
    if (owners.has(id)) return;
    owners.set(id, userId);
    visit(record, place, learners.add(userId, group, day, place));
    counts.decisions++;
  });
  const firstDays = learners.decisionDays.map((days) =>
    days.reduce((first, day) => Math.min(first, day), Number.POSITIVE_INFINITY),
  );
  const actionDays = learners.userIds.map((): CalendarDay[] => []);
  const outcomes = RecordReader.open(
    job.layout,
    partition,
    'outcomes',
    OUTCOMES_WRITER,
    readBuffer(job.writers.length),
  );
  for (let text = outcomes.next(); text !== undefined; text = outcomes.next()) {
    const [userId, day, decisionId, file, line] = JSON.parse(text) as OutcomeRecordLine;
    if (decisionId !== null && owners.get(decisionId) !== userId) {
      throw new CliUsageError(
        `${where(logs.outcomes, { file, line })}: decision_id: ${JSON.stringify(decisionId)} is not a decision of user_id ${JSON.stringify(userId)} in ${logs.decisions.name}`,
      );
    }
    const learner = learners.numberOf(userId);
    if (learner === undefined) continue;
    if (day >= firstDays[learner]) counts.following++;
    actionDays[learner].push(day);
  }
  for (const days of actionDays) days.sort((a, b) => a - b);
  return { learners, actionDays, firstDays };
}

/**
 * Tallies one partition's learners into `tally`: their decisions (joinPartition) and each
 * learner's decisions an action followed within the window and pre-period rate.
 */
function tallyLearners(job: PartitionJob, partition: number, tally: UpliftTally): void {
  const { learners, actionDays, firstDays } = joinPartition(
    job,
    partition,
    tally,
    (record, place) => {
      const [, , , group, , , hash] = record;
      const expected = job.configHashes[group];
      if (expected === undefined || hash === expected) return;
      const mismatch = tally.mismatch;
      tally.mismatch =
        mismatch === undefined
          ? { decisions: 1, first: place, hash, expected }
          : {
              ...(isBefore(place, mismatch.first) ? { first: place, hash, expected } : mismatch),
              decisions: mismatch.decisions + 1,
            };
    },
  );
  const { windowDays, preDays, logStart } = job;
  learners.userIds.forEach((_, learner) => {
    const days = actionDays[learner];
    const group = learners.groups[learner];
    let acted = 0;
    for (const day of learners.decisionDays[learner]) {
      const followed = actedWithin(days, day, windowDays);
      if (followed) acted++;
      const count = dayCount(tally, group, day);
      count.decisions++;
      if (followed) count.acted++;
    }
    const first = firstDays[learner];
    const from =
      logStart === undefined || preDays === undefined
        ? logStart
        : Math.max(logStart, first - preDays);
    addLearner(groupMoments(tally, group), {
      decisions: learners.decisionDays[learner].length,
      acted,
      covariate: from === undefined ? null : preRate(days, from, first, windowDays),
    });
  });
}

/**
 * Tallies one partition's learners: a tally of its own (the log's line counts left at 0), which
 * the caller adds to the others' in partition order, so that the sums are added in the same order
 * whichever thread tallied which partition.
 */
export function tallyPartition(job: PartitionJob, partition: number): UpliftTally {
  const tally = emptyTally(0, 0);
  tallyLearners(job, partition, tally);
  return tally;
}
