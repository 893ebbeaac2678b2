import { stat } from 'node:fs/promises';
import { forEachLogLine, lineName, parseDecisionLine, parseOutcomeLine } from '@app/contract';
import { CalendarDay } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { plural } from '../../cli/format';
import {
  inShard,
  keyHash,
  LearnerPartitions,
  mayHoldShardKey,
  partitionCount,
} from '../../cli/learner-partitions';
import { lineIn, LogFiles } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { addLearner } from './arm-moments';
import { preRate } from './cuped';
import { groupOf } from './groups';
import { actedWithin } from './uplift';
import { lineDigest } from './uplift-logs';
import {
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

export interface UpliftReadSettings {
  readonly windowDays: number;
  /** `--pre-days`, if given. */
  readonly preDays?: number;
  /**
   * The config hash a group's decisions should carry in their policy_version (a variant with
   * overrides has a config, and a hash, of its own), or undefined when the config does not know
   * the group.
   */
  readonly configHash: (group: string) => string | undefined;
  /** The learners to tally: every learner, or those of one shard. */
  readonly shard: Shard;
}

/** A decision as its learner's partition keeps it. */
type DecisionRecordLine = [
  decisionId: string,
  userId: string,
  day: CalendarDay,
  group: string,
  file: number,
  line: number,
  configHash: string,
];

/** A decision's id as its own partition keeps it, with its line's digest. */
type IdRecordLine = [
  decisionId: string,
  file: number,
  line: number,
  digestLow: number,
  digestHigh: number,
];

/** An outcome as its partition keeps it: null for an outcome that names no decision. */
type OutcomeRecordLine = [
  userId: string,
  day: CalendarDay,
  decisionId: string | null,
  file: number,
  line: number,
];

function placeName(log: LogFiles, place: LinePlace): string {
  return lineIn(log, placeLine(log, place));
}

/** `<file> line <n>`: how a message about a line starts. */
function where(log: LogFiles, place: LinePlace): string {
  return lineName(placeLine(log, place));
}

/**
 * Reads the decisions log and hands each decision of the shard's learners to its learner's
 * partition, and each decision whose id hashes into the shard to its id's partition: ids are
 * checked for repeats by id, in one shard, as two learners' decisions may share one. Only the
 * lines that may be the shard's are parsed (mayHoldShardKey), so N shards parse each line about
 * twice in all, not N times. Returns the log's lines.
 */
async function partitionDecisions(
  log: LogFiles,
  shard: Shard,
  partitions: LearnerPartitions,
): Promise<number> {
  const fileIndex = new Map(log.files.map((file, i) => [file, i]));
  return forEachLogLine(log.files, (text, at) => {
    if (
      shard.count > 1 &&
      !mayHoldShardKey(text, 'user_id', shard) &&
      !mayHoldShardKey(text, 'decision_id', shard)
    ) {
      return;
    }
    const { record, day } = parseDecisionLine(text, lineName(at));
    const file = fileIndex.get(at.file)!;
    const idHash = keyHash(record.decision_id);
    if (inShard(idHash, shard)) {
      const [low, high] = lineDigest(text);
      const id: IdRecordLine = [record.decision_id, file, at.line, low, high];
      partitions.add(idHash, 'ids', JSON.stringify(id));
    }
    const learnerHash = keyHash(record.user_id);
    if (!inShard(learnerHash, shard)) return;
    const kept: DecisionRecordLine = [
      record.decision_id,
      record.user_id,
      day,
      groupOf(record.assignment),
      file,
      at.line,
      record.policy_version.split('/')[1],
    ];
    partitions.add(learnerHash, 'decisions', JSON.stringify(kept));
  });
}

/**
 * Reads the outcomes log: checks every line, and hands each outcome of the shard's learners to
 * its learner's partition. Returns the log's lines and its first day: where the log's coverage
 * begins, as no shard could know the first day of its own learners' outcomes before it has read
 * them all.
 */
async function partitionOutcomes(
  log: LogFiles,
  shard: Shard,
  partitions: LearnerPartitions,
): Promise<{ lines: number; firstDay: CalendarDay | undefined }> {
  const fileIndex = new Map(log.files.map((file, i) => [file, i]));
  let firstDay: CalendarDay | undefined;
  const lines = await forEachLogLine(log.files, (text, at) => {
    const { record, day } = parseOutcomeLine(text, lineName(at));
    if (firstDay === undefined || day < firstDay) firstDay = day;
    const hash = keyHash(record.user_id);
    if (!inShard(hash, shard)) return;
    const kept: OutcomeRecordLine = [
      record.user_id,
      day,
      record.decision_id ?? null,
      fileIndex.get(at.file)!,
      at.line,
    ];
    partitions.add(hash, 'outcomes', JSON.stringify(kept));
  });
  return { lines, firstDay };
}

/** One partition's learners, as its decisions give them. */
class PartitionLearners {
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
  add(userId: string, group: string, day: CalendarDay, place: LinePlace): void {
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
  }
}

/**
 * Checks one partition's decision ids: a line repeating the first line of its decision_id byte
 * for byte is a copy (a batch a collector received twice), counted into `tally`; a repeated id
 * on other text is refused, naming both lines.
 */
function checkIds(
  log: LogFiles,
  partitions: LearnerPartitions,
  partition: number,
  tally: UpliftTally,
): void {
  const firsts = new Map<string, IdRecordLine>();
  for (const text of partitions.records(partition, 'ids')) {
    const record = JSON.parse(text) as IdRecordLine;
    const [id, file, line, low, high] = record;
    const first = firsts.get(id);
    if (first === undefined) {
      firsts.set(id, record);
      continue;
    }
    const place = { file, line };
    if (first[3] !== low || first[4] !== high) {
      throw new CliUsageError(
        `${where(log, place)}: decision_id: ${JSON.stringify(id)} is already on ${placeName(log, { file: first[1], line: first[2] })}`,
      );
    }
    const copies = tally.copies;
    tally.copies = {
      lines: (copies?.lines ?? 0) + 1,
      first: copies === undefined || isBefore(place, copies.first) ? place : copies.first,
    };
  }
}

/**
 * Tallies one partition's learners into `tally`: their decisions (a repeated id, a copy that
 * checkIds counts, is skipped), their outcomes (one naming a decision must name one of its
 * learner's), and each learner's decisions an action followed within the window and pre-period
 * rate.
 */
function tallyPartition(
  logs: ClosedLoopLogs,
  partitions: LearnerPartitions,
  partition: number,
  settings: UpliftReadSettings & { readonly logStart: CalendarDay | undefined },
  tally: UpliftTally,
): void {
  const owners = new Map<string, string>();
  const learners = new PartitionLearners(logs.decisions);
  for (const text of partitions.records(partition, 'decisions')) {
    const [id, userId, day, group, file, line, hash] = JSON.parse(text) as DecisionRecordLine;
    if (owners.has(id)) continue;
    owners.set(id, userId);
    const place = { file, line };
    learners.add(userId, group, day, place);
    tally.decisions++;
    const expected = settings.configHash(group);
    if (expected !== undefined && hash !== expected) {
      const mismatch = tally.mismatch;
      tally.mismatch =
        mismatch === undefined
          ? { decisions: 1, first: place, hash, expected }
          : {
              ...(isBefore(place, mismatch.first) ? { first: place, hash, expected } : mismatch),
              decisions: mismatch.decisions + 1,
            };
    }
  }
  const firstDays = learners.decisionDays.map((days) =>
    days.reduce((first, day) => Math.min(first, day), Number.POSITIVE_INFINITY),
  );
  const actionDays = learners.userIds.map((): CalendarDay[] => []);
  for (const text of partitions.records(partition, 'outcomes')) {
    const [userId, day, decisionId, file, line] = JSON.parse(text) as OutcomeRecordLine;
    if (decisionId !== null && owners.get(decisionId) !== userId) {
      throw new CliUsageError(
        `${where(logs.outcomes, { file, line })}: decision_id: ${JSON.stringify(decisionId)} is not a decision of user_id ${JSON.stringify(userId)} in ${logs.decisions.name}`,
      );
    }
    const learner = learners.numberOf(userId);
    if (learner === undefined) continue;
    if (day >= firstDays[learner]) tally.following++;
    actionDays[learner].push(day);
  }
  const { windowDays, preDays, logStart } = settings;
  learners.userIds.forEach((_, learner) => {
    const days = actionDays[learner].sort((a, b) => a - b);
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

async function fileSizes(files: readonly string[]) {
  return Promise.all(files.map(async (path) => ({ path, bytes: (await stat(path)).size })));
}

/**
 * Tallies the logs' learners of `settings.shard` (docs/closed-loop.md "Evaluation at platform
 * scale"). Memory does not grow with the logs: a first pass checks every line of both logs and
 * writes each decision and outcome of the shard's learners, in a few fields, to its learner's
 * partition on disk; then each partition, a slice of the learners with all their decisions and
 * outcomes, is read back and tallied on its own.
 */
export async function tallyUplift(
  logs: ClosedLoopLogs,
  settings: UpliftReadSettings,
): Promise<UpliftTally> {
  const count = partitionCount(await fileSizes(logs.decisions.files));
  const partitions = await LearnerPartitions.create(count, settings.shard.count);
  try {
    const decisionLines = await partitionDecisions(logs.decisions, settings.shard, partitions);
    if (decisionLines === 0) throw new CliUsageError(`${logs.decisions.name} has no decisions`);
    const outcomes = await partitionOutcomes(logs.outcomes, settings.shard, partitions);
    if (outcomes.lines === 0) {
      throw new CliUsageError(
        `${logs.outcomes.name} has no outcomes: an empty log would read as no learner ever acting; export the platform's actions for the decisions' days`,
      );
    }
    partitions.finish();
    const tally = emptyTally(decisionLines, outcomes.lines);
    const read = { ...settings, logStart: outcomes.firstDay };
    for (let partition = 0; partition < count; partition++) {
      checkIds(logs.decisions, partitions, partition, tally);
      tallyPartition(logs, partitions, partition, read, tally);
    }
    return tally;
  } finally {
    partitions.remove();
  }
}

/**
 * An outcomes log none of whose actions follows a decision of its learner cannot hold the
 * decisions' outcomes: the logs do not overlap.
 */
export function requireOverlap(tally: UpliftTally, logs: ClosedLoopLogs): void {
  if (tally.following > 0) return;
  throw new CliUsageError(
    `${logs.outcomes.name}: none of its ${plural(tally.outcomeLines, 'outcome')} is by a learner of ${logs.decisions.name} on or after that learner's first decision: the two logs do not overlap`,
  );
}
