import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { forEachLogLine, lineName, parseDecisionLine, parseOutcomeLine } from '@app/contract';
import { CalendarDay } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { plural } from '../../cli/format';
import {
  inShard,
  keyHash,
  LearnerPartitions,
  partitionCount,
  PartitionWriter,
} from '../../cli/learner-partitions';
import { logUnits, LogUnit, UnitPlaces } from '../../cli/log-units';
import { lineIn, LogFiles } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { addLearner } from './arm-moments';
import { preRate } from './cuped';
import { actedWithin } from './uplift';
import { DecisionRecordLine, IdRecordLine, passDecisionUnit, UnitResult } from './decision-pass';
import type { DecisionPassData, DecisionPassMessage } from './decision-pass.worker';
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
  /** Threads that read the decisions log at once (1: this one alone). */
  readonly threads: number;
}

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

/** The script of a decision-pass thread, built beside this file. */
const WORKER_FILE = join(__dirname, 'decision-pass.worker.js');
/** A reading thread's heap: a unit's lines and a few buffers; the limit keeps the pass's RSS flat. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 };

/** Reads the units on `threads` worker threads, handing each the next unit as it is done. */
async function readOnThreads(
  units: readonly LogUnit[],
  threads: number,
  data: Omit<DecisionPassData, 'writer'>,
): Promise<{ results: UnitResult[]; writers: string[] }> {
  const results = new Array<UnitResult>(units.length);
  const writers = Array.from({ length: threads }, (_, i) => `thread-${i}`);
  const workers: Worker[] = [];
  let next = 0;
  const read = (writer: string) =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_FILE, {
        workerData: { ...data, writer } satisfies DecisionPassData,
        resourceLimits: WORKER_LIMITS,
      });
      workers.push(worker);
      const send = () => {
        const message: DecisionPassMessage =
          next < units.length ? { unit: units[next], index: next++ } : 'finish';
        worker.postMessage(message);
      };
      let done = false;
      worker.on('message', (message: UnitResult | 'done') => {
        if (message === 'done') {
          done = true;
          resolve();
          void worker.terminate();
          return;
        }
        results[message.unit] = message;
        send();
      });
      worker.on('error', reject);
      // terminate() ends a thread with code 1: only an exit before 'done' is a failure.
      worker.on('exit', (code) => {
        if (!done) reject(new Error(`a decision-pass thread stopped with code ${code}`));
      });
      send();
    });
  try {
    await Promise.all(writers.map(read));
  } catch (error) {
    // The others would write on into partitions about to be removed, and keep the process up.
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  return { results, writers };
}

/**
 * Reads the decisions log in units (a slice of a plain file, a whole .gz file), on `threads`
 * threads at once when there are several, writing the shard's decisions and ids to the
 * partitions (passDecisionUnit). Once every unit is read, its lines can be placed in their files,
 * and the first bad line of the log is refused with the message one thread reading the log in
 * order would have given.
 */
async function partitionDecisions(
  log: LogFiles,
  shard: Shard,
  partitions: LearnerPartitions,
  threads: number,
): Promise<{ lines: number; places: UnitPlaces; writers: string[] }> {
  const units = await logUnits(log);
  let read: { results: UnitResult[]; writers: string[] };
  if (threads > 1 && units.length > 1) {
    read = await readOnThreads(units, Math.min(threads, units.length), {
      layout: partitions,
      shard,
    });
  } else {
    const writer = new PartitionWriter(partitions, 'main');
    try {
      const results: UnitResult[] = [];
      for (const [index, unit] of units.entries()) {
        results.push(await passDecisionUnit(unit, index, shard, writer));
      }
      writer.finish();
      read = { results, writers: ['main'] };
    } finally {
      writer.close();
    }
  }
  const { results, writers } = read;
  const places = new UnitPlaces(
    units,
    results.map((result) => result.lines),
  );
  for (const result of results) {
    if (result.crash !== undefined) throw new Error(result.crash);
    if (result.failure !== undefined) throw new CliUsageError(result.failure);
    if (result.bad !== undefined) {
      const at = places.logLine(result.unit, result.bad.line);
      parseDecisionLine(result.bad.text, lineName(at));
      throw new Error(`${lineName(at)} was refused on its thread, but not again`);
    }
  }
  const lines = results.reduce((sum, result) => sum + result.lines, 0);
  return { lines, places, writers };
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
  const writer = new PartitionWriter(partitions, 'main');
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
    writer.add(hash, 'outcomes', JSON.stringify(kept));
  }).finally(() => writer.close());
  writer.finish();
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
  decisions: DecisionPartitions,
  partition: number,
  tally: UpliftTally,
): void {
  const firsts = new Map<string, { place: LinePlace; low: number; high: number }>();
  for (const { record, place } of decisions.placed<IdRecordLine>(partition, 'ids')) {
    const [id, , , low, high] = record;
    const first = firsts.get(id);
    if (first === undefined) {
      firsts.set(id, { place, low, high });
      continue;
    }
    if (first.low !== low || first.high !== high) {
      throw new CliUsageError(
        `${where(log, place)}: decision_id: ${JSON.stringify(id)} is already on ${placeName(log, first.place)}`,
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
  decisions: DecisionPartitions,
  partition: number,
  settings: UpliftReadSettings & { readonly logStart: CalendarDay | undefined },
  tally: UpliftTally,
): void {
  const owners = new Map<string, string>();
  const learners = new PartitionLearners(logs.decisions);
  for (const { record, place } of decisions.placed<DecisionRecordLine>(partition, 'decisions')) {
    const [id, userId, day, group, , , hash] = record;
    if (owners.has(id)) continue;
    owners.set(id, userId);
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
  for (const text of decisions.partitions.records(partition, 'outcomes', ['main'])) {
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
 * The decisions' partitions once every unit is read: a partition's records, each with its line's
 * place in the log, in the log's order whichever thread read them.
 */
class DecisionPartitions {
  constructor(
    readonly partitions: LearnerPartitions,
    private readonly places: UnitPlaces,
    private readonly writers: readonly string[],
  ) {}

  placed<T extends DecisionRecordLine | IdRecordLine>(
    partition: number,
    kind: 'decisions' | 'ids',
  ): { record: T; place: LinePlace }[] {
    const unitAt = kind === 'decisions' ? 4 : 1;
    return this.partitions
      .records(partition, kind, this.writers)
      .map((text) => {
        const record = JSON.parse(text) as T;
        const place = this.places.place(record[unitAt] as number, record[unitAt + 1] as number);
        return { record, place };
      })
      .sort((a, b) => a.place.file - b.place.file || a.place.line - b.place.line);
  }
}

/**
 * Tallies the logs' learners of `settings.shard` (docs/closed-loop.md "Evaluation at platform
 * scale"). Memory does not grow with the logs: a first pass checks every line of both logs and
 * writes each decision and outcome of the shard's learners, in a few fields, to its learner's
 * partition on disk (the decisions on `settings.threads` threads); then each partition, a slice
 * of the learners with all their decisions and outcomes, is read back and tallied on its own.
 */
export async function tallyUplift(
  logs: ClosedLoopLogs,
  settings: UpliftReadSettings,
): Promise<UpliftTally> {
  const count = partitionCount(await fileSizes(logs.decisions.files));
  const partitions = await LearnerPartitions.create(count, settings.shard.count);
  try {
    // The outcomes are read on this thread while other threads read the decisions; a problem
    // with the decisions is said first, as when the logs are read one after the other.
    const [decisionPass, outcomePass] = await Promise.allSettled([
      partitionDecisions(logs.decisions, settings.shard, partitions, settings.threads),
      partitionOutcomes(logs.outcomes, settings.shard, partitions),
    ]);
    if (decisionPass.status === 'rejected') throw decisionPass.reason;
    const { lines: decisionLines, places, writers } = decisionPass.value;
    if (decisionLines === 0) throw new CliUsageError(`${logs.decisions.name} has no decisions`);
    if (outcomePass.status === 'rejected') throw outcomePass.reason;
    const outcomes = outcomePass.value;
    if (outcomes.lines === 0) {
      throw new CliUsageError(
        `${logs.outcomes.name} has no outcomes: an empty log would read as no learner ever acting; export the platform's actions for the decisions' days`,
      );
    }
    const decisions = new DecisionPartitions(partitions, places, writers);
    const tally = emptyTally(decisionLines, outcomes.lines);
    const read = { ...settings, logStart: outcomes.firstDay };
    for (let partition = 0; partition < count; partition++) {
      checkIds(logs.decisions, decisions, partition, tally);
      tallyPartition(logs, decisions, partition, read, tally);
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
