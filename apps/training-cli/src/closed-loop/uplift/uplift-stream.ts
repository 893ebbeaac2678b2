import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lineName, parseDecisionLine } from '@app/contract';
import { CliUsageError } from '../../cli/cli-errors';
import { plural } from '../../cli/format';
import {
  LearnerPartitions,
  partitionCount,
  PartitionLayout,
  PartitionWriter,
} from '../../cli/learner-partitions';
import { LogFiles } from '../../cli/log-file';
import { logUnits, LogUnit, UnitPlaces } from '../../cli/log-units';
import { Shard } from '../../cli/shard-option';
import { passDecisionUnit, UnitResult } from './decision-pass';
import { ClosedLoopLogs, PartitionJob, tallyPartition } from './partition-tally';
import { OutcomePass, passOutcomes } from './outcome-pass';
import type {
  OutcomeResult,
  PartitionResult,
  UpliftThreadData,
  UpliftThreadMessage,
} from './uplift.worker';
import { throwFault } from './thread-fault';
import { addTally, emptyTally, UpliftTally } from './uplift-tally';

export { ClosedLoopLogs } from './partition-tally';

export interface UpliftReadSettings {
  readonly windowDays: number;
  /** `--pre-days`, if given. */
  readonly preDays?: number;
  /**
   * The config hash each group the config knows should carry in its decisions' policy_version (a
   * variant with overrides has a config, and a hash, of its own).
   */
  readonly configHashes: Readonly<Record<string, string>>;
  /** The learners to tally: every learner, or those of one shard. */
  readonly shard: Shard;
  /** Threads that read the decisions log at once (1: this one alone). */
  readonly threads: number;
}

/** The script of an `uplift` thread, built beside this file. */
const WORKER_FILE = join(__dirname, 'uplift.worker.js');
/** A thread's heap: a unit's lines, or a partition's records, and a few buffers. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 };

/**
 * `uplift`'s worker threads (uplift.worker.ts): each takes one job at a time, and the next job
 * goes to the first thread free, so a slow unit holds up one thread only.
 */
class UpliftThreads {
  private constructor(
    private readonly workers: readonly Worker[],
    readonly writers: readonly string[],
  ) {}

  static start(count: number, data: Omit<UpliftThreadData, 'writer'>): UpliftThreads {
    const writers = Array.from({ length: count }, (_, i) => `thread-${i}`);
    const workers = writers.map(
      (writer) =>
        new Worker(WORKER_FILE, {
          workerData: { ...data, writer } satisfies UpliftThreadData,
          resourceLimits: WORKER_LIMITS,
        }),
    );
    return new UpliftThreads(workers, writers);
  }

  /** Sends a job to a thread; resolves with its answer, rejects if the thread fails. */
  private ask<T>(worker: Worker, message: UpliftThreadMessage): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (settled: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        settled();
      };
      const onMessage = (answer: T) => settle(() => resolve(answer));
      const onError = (error: Error) => settle(() => reject(error));
      const onExit = (code: number) =>
        settle(() => reject(new Error(`an uplift thread stopped with code ${code}`)));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(message);
    });
  }

  /** Each job's answer, in job order. */
  async map<T>(jobs: readonly UpliftThreadMessage[]): Promise<T[]> {
    const answers = new Array<T>(jobs.length);
    let next = 0;
    await Promise.all(
      this.workers.map(async (worker) => {
        while (next < jobs.length) {
          const job = next++;
          answers[job] = await this.ask<T>(worker, jobs[job]);
        }
      }),
    );
    return answers;
  }

  /** Every thread writes out its partition files. */
  async finish(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.ask(worker, 'finish')));
  }

  /** Ends the threads, done or not: none writes on, or keeps the process up. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * Reads the decisions log in units (a slice of a plain file, a whole .gz file), on the threads
 * when there are any, writing the shard's decisions and ids to the partitions
 * (passDecisionUnit). Once every unit is read, its lines can be placed in their files, and the
 * first bad line of the log is refused with the message one thread reading the log in order
 * would have given.
 */
async function partitionDecisions(
  units: readonly LogUnit[],
  shard: Shard,
  partitions: LearnerPartitions,
  threads: UpliftThreads | undefined,
): Promise<{ results: UnitResult[]; writers: readonly string[] }> {
  let results: UnitResult[];
  if (threads !== undefined) {
    results = await threads.map<UnitResult>(units.map((unit, index) => ({ unit, index })));
    await threads.finish();
  } else {
    const writer = new PartitionWriter(partitions, 'main');
    try {
      results = [];
      for (const [index, unit] of units.entries()) {
        results.push(await passDecisionUnit(unit, index, shard, writer));
      }
      writer.finish();
    } finally {
      writer.close();
    }
  }
  const places = new UnitPlaces(
    units,
    results.map((result) => result.lines),
  );
  for (const result of results) {
    throwFault(result);
    if (result.bad !== undefined) {
      const at = places.logLine(result.unit, result.bad.line);
      parseDecisionLine(result.bad.text, lineName(at));
      throw new Error(`${lineName(at)} was refused on its thread, but not again`);
    }
  }
  return { results, writers: threads?.writers ?? ['main'] };
}

/** Tallies every partition, on the threads when there are any, adding them up in order. */
async function tallyPartitions(
  job: PartitionJob,
  threads: UpliftThreads | undefined,
  tally: UpliftTally,
): Promise<void> {
  const partitions = Array.from({ length: job.layout.count }, (_, partition) => partition);
  const results: PartitionResult[] =
    threads === undefined
      ? partitions.map((partition) => ({ partition, tally: tallyPartition(job, partition) }))
      : await threads.map<PartitionResult>(partitions.map((partition) => ({ job, partition })));
  for (const result of results) {
    throwFault(result);
    addTally(tally, result.tally!);
  }
}

async function fileSizes(files: readonly string[]) {
  return Promise.all(files.map(async (path) => ({ path, bytes: (await stat(path)).size })));
}

/**
 * Reads the outcomes log (passOutcomes): on a thread of its own beside the threads that read the
 * decisions, so this thread's heap, which no limit holds, stays small.
 */
async function readOutcomes(
  log: LogFiles,
  shard: Shard,
  layout: PartitionLayout,
  onThread: boolean,
): Promise<OutcomePass> {
  if (!onThread) return passOutcomes(log, shard, layout);
  const thread = UpliftThreads.start(1, { layout, shard });
  try {
    const [result] = await thread.map<OutcomeResult>([{ outcomes: log }]);
    throwFault(result);
    return result.pass!;
  } finally {
    await thread.stop();
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
  const count = partitionCount(await fileSizes(logs.decisions.files), settings.shard.count);
  const units = await logUnits(logs.decisions);
  const partitions = await LearnerPartitions.create(count, settings.shard.count);
  // A log of one unit is read at once on this thread: threads would only cost their start.
  const threads =
    settings.threads > 1 && units.length > 1
      ? UpliftThreads.start(settings.threads, { layout: partitions, shard: settings.shard })
      : undefined;
  try {
    // The two logs are read at once; a problem with the decisions is said first, as when the
    // logs are read one after the other.
    const [decisionPass, outcomePass] = await Promise.allSettled([
      partitionDecisions(units, settings.shard, partitions, threads),
      readOutcomes(logs.outcomes, settings.shard, partitions, threads !== undefined),
    ]);
    if (decisionPass.status === 'rejected') throw decisionPass.reason;
    const { results, writers } = decisionPass.value;
    const decisionLines = results.reduce((sum, result) => sum + result.lines, 0);
    if (decisionLines === 0) throw new CliUsageError(`${logs.decisions.name} has no decisions`);
    if (outcomePass.status === 'rejected') throw outcomePass.reason;
    const outcomes = outcomePass.value;
    if (outcomes.lines === 0) {
      throw new CliUsageError(
        `${logs.outcomes.name} has no outcomes: an empty log would read as no learner ever acting; export the platform's actions for the decisions' days`,
      );
    }
    const tally = emptyTally(decisionLines, outcomes.lines);
    const job: PartitionJob = {
      layout: { folder: partitions.folder, count, shardCount: settings.shard.count },
      logs,
      units,
      unitLines: results.map((result) => result.lines),
      writers,
      windowDays: settings.windowDays,
      preDays: settings.preDays,
      logStart: outcomes.firstDay,
      configHashes: settings.configHashes,
    };
    await tallyPartitions(job, threads, tally);
    return tally;
  } finally {
    await threads?.stop();
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
