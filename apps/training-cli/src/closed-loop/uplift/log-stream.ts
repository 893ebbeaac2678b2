import { stat } from 'node:fs/promises';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { lineName } from '@app/contract/decision-log';
import { CliUsageError } from '../../cli/cli-errors';
import {
  LearnerPartitions,
  partitionCount,
  PartitionLayout,
  PartitionWriter,
} from '../../cli/learner-partitions';
import { LogFiles } from '../../cli/log-file';
import { logUnits, LogUnit, UnitPlaces } from '../../cli/log-units';
import { Shard } from '../../cli/shard-option';
import { scavengeWithoutHelpers } from '../../cli/v8-heap';
import { DecisionExtra, passDecisionUnit, UnitResult } from './decision-pass';
import { ClosedLoopLogs, PartitionJoin } from './partition-tally';
import { OutcomePass, passOutcomes } from './outcome-pass';
import { faultOf, ThreadFault, throwFault } from './thread-fault';

/**
 * The two passes `uplift` and `ope` make over the closed loop's logs, with memory that does not
 * grow with the logs (docs/closed-loop.md "Evaluation at platform scale"). A first pass checks
 * every line of both logs and writes each decision and outcome of the shard's learners, in a few
 * fields, to its learner's partition on disk (on worker threads: the outcomes log as one job, the
 * decisions log a unit at a time); then each partition, a slice of the learners
 * with all their decisions and outcomes, is read back and tallied on its own, on the threads.
 * What a command keeps of a decision beyond the join, and how it tallies a partition, are its
 * own (LogCommand); the threads run its worker script (serveLogThread).
 */

/** What a command's threads are given: the partitions and shard, and the command's own data. */
export interface LogThreadData<Command> {
  readonly layout: PartitionLayout;
  readonly shard: Shard;
  /** The thread's name among the writers: its partition files are its own. */
  readonly writer: string;
  readonly command: Command;
}

/**
 * A job for a thread: a unit of the decisions log to read; the end of the reading (write out the
 * partition files); the outcomes log to read; or, once both logs are read, a partition to tally.
 */
export type LogThreadMessage<Job> =
  | { readonly unit: LogUnit; readonly index: number }
  | 'finish'
  | { readonly job: Job; readonly partition: number; readonly spare?: ArrayBuffer }
  | { readonly outcomes: LogFiles };

/** The outcomes log's pass, or the refusal of its first bad line. */
interface OutcomeResult extends ThreadFault {
  readonly pass?: OutcomePass;
}

/** A partition's tally, or the refusal its learners' lines earned. */
interface PartitionResult<Tally> extends ThreadFault {
  readonly tally?: Tally;
}

/** What a command does on a thread. */
export interface ThreadHooks<Job, Tally> {
  /** What it keeps of a decision beyond the join. */
  readonly extra?: DecisionExtra;
  /** Tallies a partition, into `spare` (a buffer an earlier tally gave back) if it has room. */
  readonly tally: (job: Job, partition: number, spare?: ArrayBuffer) => Tally;
  /**
   * The buffers of a tally that are moved to the main thread rather than copied, and given back
   * for later tallies (TallyBuffers).
   */
  readonly buffers?: (tally: Tally) => ArrayBuffer[];
}

/**
 * A command's worker script: reads the outcomes log or the units the main thread hands it, one
 * at a time, answering each with its OutcomeResult or UnitResult; on 'finish' writes out its
 * partition files and answers 'done'; then tallies the partitions it is handed.
 */
export function serveLogThread<Job, Tally>(hooks: ThreadHooks<Job, Tally>): void {
  const port = parentPort;
  if (port === null) throw new Error('a log thread runs as a worker thread');
  const { layout, shard, writer: name } = workerData as LogThreadData<unknown>;
  const writer = new PartitionWriter(layout, name);
  port.on('message', (message: LogThreadMessage<Job>) => {
    if (message === 'finish') {
      writer.finish();
      port.postMessage('done');
    } else if ('job' in message) {
      let result: PartitionResult<Tally>;
      try {
        result = { tally: hooks.tally(message.job, message.partition, message.spare) };
      } catch (error) {
        result = faultOf(error);
      }
      const moved = result.tally === undefined ? [] : (hooks.buffers?.(result.tally) ?? []);
      port.postMessage(result, moved);
    } else if ('outcomes' in message) {
      passOutcomes(message.outcomes, shard, layout).then(
        (pass) => port.postMessage({ pass } satisfies OutcomeResult),
        (error: Error) => port.postMessage(faultOf(error) satisfies OutcomeResult),
      );
    } else {
      passDecisionUnit(message.unit, message.index, shard, writer, hooks.extra).then(
        (result) => port.postMessage(result),
        (error: Error) => port.postMessage({ unit: message.index, lines: 0, ...faultOf(error) }),
      );
    }
  });
}

/** A heap for a thread: a unit's lines, or a partition's records, and what the command keeps. */
export interface ThreadLimits {
  readonly maxOldGenerationSizeMb: number;
  readonly maxYoungGenerationSizeMb: number;
}

/**
 * A command's worker threads: each takes one job at a time, and the next job goes to the first
 * thread free, so a slow unit holds up one thread only.
 */
class LogThreads<Job> {
  private constructor(
    private readonly workers: readonly Worker[],
    readonly writers: readonly string[],
  ) {}

  static start<Job>(
    script: string,
    limits: ThreadLimits,
    count: number,
    data: Omit<LogThreadData<unknown>, 'writer'>,
  ): LogThreads<Job> {
    const writers = Array.from({ length: count }, (_, i) => `thread-${i}`);
    scavengeWithoutHelpers(count);
    const workers = writers.map(
      (writer) =>
        new Worker(script, {
          workerData: { ...data, writer } satisfies LogThreadData<unknown>,
          resourceLimits: limits,
        }),
    );
    return new LogThreads<Job>(workers, writers);
  }

  /**
   * Sends a job to a thread, moving the `moved` buffers to it; resolves with its answer, rejects
   * if the thread fails.
   */
  private ask<T>(
    worker: Worker,
    message: LogThreadMessage<Job>,
    moved: readonly ArrayBuffer[] = [],
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (settled: () => void) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        settled();
      };
      const onMessage = (answer: T) => settle(() => resolve(answer));
      const onError = (error: Error) => settle(() => reject(error));
      const onExit = (code: number) =>
        settle(() => reject(new Error(`a log thread stopped with code ${code}`)));
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(message, moved);
    });
  }

  /** Each job's answer, in job order. */
  async map<T>(jobs: readonly LogThreadMessage<Job>[]): Promise<T[]> {
    const answers: T[] = [];
    await this.forEach<T>(
      jobs.length,
      (job) => [jobs[job]],
      (answer) => answers.push(answer),
    );
    return answers;
  }

  /**
   * Sends `count` jobs, each made (with the buffers it moves) when a thread is free for it, and
   * hands each job's answer to `take` in job order, as soon as it and every earlier one are in:
   * only answers that came early are held.
   */
  async forEach<T>(
    count: number,
    jobOf: (job: number) => [LogThreadMessage<Job>, ArrayBuffer[]?],
    take: (answer: T) => void,
  ): Promise<void> {
    const early = new Map<number, T>();
    let next = 0;
    let taken = 0;
    await Promise.all(
      this.workers.map(async (worker) => {
        while (next < count) {
          const job = next++;
          early.set(job, await this.ask<T>(worker, ...jobOf(job)));
          while (early.has(taken)) {
            const answer = early.get(taken) as T;
            early.delete(taken++);
            take(answer);
          }
        }
      }),
    );
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

/** A command that streams the closed loop's logs: `uplift` or `ope`. */
export interface LogCommand<Job extends PartitionJoin, Tally> extends ThreadHooks<Job, Tally> {
  /** Its worker script (which calls serveLogThread with the same hooks) and the thread heap. */
  readonly script: string;
  readonly limits: ThreadLimits;
  /** What its threads are given to rebuild the hooks (policies, for `ope`). */
  readonly threadData: unknown;
  /**
   * Refuses a line that a thread found bad, now that it can be named: as `extra`, or the
   * parsing, would have refused it on this thread.
   */
  readonly refuse: (text: string, where: string) => void;
  /** The partition job, from the join's. */
  readonly job: (join: PartitionJoin, outcomes: OutcomePass) => Job;
}

/** Where the settings of a stream come from: the shard and the threads. */
export interface StreamSettings {
  /** The learners to tally: every learner, or those of one shard. */
  readonly shard: Shard;
  /** Threads that read the decisions log at once (1: this one alone). */
  readonly threads: number;
}

/**
 * The buffers of the partitions' tallies, given back to tally later partitions in once each tally
 * is added. A tally's sums posted by a thread would be copied into memory outside this thread's
 * heap, which only a collection frees, and this thread allocates too little to collect often:
 * `ope` on a shard of 2M decisions held some 40 MB of added sums, and its peak memory moved by
 * that much from run to run, with the collections' timing. Moved and given back, the buffers are
 * as many as the jobs in flight.
 */
export class TallyBuffers<Tally> {
  private readonly spares: ArrayBuffer[] = [];

  constructor(private readonly buffers: ThreadHooks<never, Tally>['buffers']) {}

  /** A buffer to tally the next partition in, if one was given back. */
  spare(): ArrayBuffer | undefined {
    return this.spares.pop();
  }

  /** Adds a tally (`add` keeps none of its buffers), then keeps its buffers for later ones. */
  taken(add: (tally: Tally) => void, tally: Tally): void {
    add(tally);
    this.spares.push(...(this.buffers?.(tally) ?? []));
  }
}

/** What streaming the logs gave: the lines read (each partition's tally went to `add`). */
export interface StreamResult {
  readonly decisionLines: number;
  readonly outcomes: OutcomePass;
}

/** The decisions log read: each unit's result, and the writers of its partition files. */
interface DecisionsRead {
  readonly results: UnitResult[];
  readonly writers: readonly string[];
}

/**
 * Once every unit of the decisions log is read, its lines can be placed in their files, and the
 * first bad line of the log is refused with the message one thread reading the log in order
 * would have given.
 */
function checkUnits<Job extends PartitionJoin, Tally>(
  units: readonly LogUnit[],
  results: readonly UnitResult[],
  command: LogCommand<Job, Tally>,
): void {
  const places = new UnitPlaces(
    units,
    results.map((result) => result.lines),
  );
  for (const result of results) {
    throwFault(result);
    if (result.bad !== undefined) {
      const at = places.logLine(result.unit, result.bad.line);
      command.refuse(result.bad.text, lineName(at));
      throw new Error(`${lineName(at)} was refused on its thread, but not again`);
    }
  }
}

/** Reads the decisions log's units in turn on this thread. */
async function readUnitsHere<Job extends PartitionJoin, Tally>(
  units: readonly LogUnit[],
  shard: Shard,
  partitions: LearnerPartitions,
  command: LogCommand<Job, Tally>,
): Promise<DecisionsRead> {
  const writer = new PartitionWriter(partitions, 'main');
  const results: UnitResult[] = [];
  try {
    for (const [index, unit] of units.entries()) {
      results.push(await passDecisionUnit(unit, index, shard, writer, command.extra));
    }
    writer.finish();
  } finally {
    writer.close();
  }
  checkUnits(units, results, command);
  return { results, writers: ['main'] };
}

/** A promise's outcome, settled now. */
function settled<T>(get: () => T): PromiseSettledResult<T> {
  try {
    return { status: 'fulfilled', value: get() };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

/**
 * The first pass over both logs: the decisions log in units (a slice of a plain file, a whole
 * .gz file) and the outcomes log, each written to its learners' partitions. With threads, the
 * outcomes log is the first job they are handed and the decisions' units follow, each to the
 * first thread free: the outcomes take a thread for as long as they need, not a thread (and a
 * heap) of their own beside the others at the process's busiest. Without, both are read on this
 * thread. Settles each log's read apart: a problem with the decisions is said first.
 */
async function firstPass<Job extends PartitionJoin, Tally>(
  logs: ClosedLoopLogs,
  units: readonly LogUnit[],
  shard: Shard,
  partitions: LearnerPartitions,
  threads: LogThreads<Job> | undefined,
  command: LogCommand<Job, Tally>,
): Promise<[PromiseSettledResult<DecisionsRead>, PromiseSettledResult<OutcomePass>]> {
  if (threads === undefined) {
    return Promise.allSettled([
      readUnitsHere(units, shard, partitions, command),
      passOutcomes(logs.outcomes, shard, partitions),
    ]);
  }
  let answers: (OutcomeResult | UnitResult)[];
  try {
    answers = await threads.map<OutcomeResult | UnitResult>([
      { outcomes: logs.outcomes },
      ...units.map((unit, index) => ({ unit, index })),
    ]);
    await threads.finish();
  } catch (error) {
    return [
      { status: 'rejected', reason: error },
      { status: 'rejected', reason: error },
    ];
  }
  const [outcomes, ...results] = answers as [OutcomeResult, ...UnitResult[]];
  return [
    settled(() => {
      checkUnits(units, results, command);
      return { results, writers: threads.writers };
    }),
    settled(() => {
      throwFault(outcomes);
      return outcomes.pass!;
    }),
  ];
}

async function fileSizes(files: readonly string[]) {
  return Promise.all(files.map(async (path) => ({ path, bytes: (await stat(path)).size })));
}

/**
 * The two passes over the logs for `command`, for the learners of `settings.shard`: each
 * partition's tally is handed to `add` in partition order (whichever thread made it), and let go:
 * `add` keeps none of its buffers.
 */
export async function streamLogs<Job extends PartitionJoin, Tally>(
  logs: ClosedLoopLogs,
  settings: StreamSettings,
  command: LogCommand<Job, Tally>,
  add: (tally: Tally) => void,
): Promise<StreamResult> {
  const count = partitionCount(await fileSizes(logs.decisions.files), settings.shard.count);
  const units = await logUnits(logs.decisions);
  const partitions = await LearnerPartitions.create(count, settings.shard.count);
  // A log of one unit is read at once on this thread: threads would only cost their start.
  const threads =
    settings.threads > 1 && units.length > 1
      ? LogThreads.start<Job>(command.script, command.limits, settings.threads, {
          layout: partitions,
          shard: settings.shard,
          command: command.threadData,
        })
      : undefined;
  try {
    // The two logs are read at once; a problem with the decisions is said first, as when the
    // logs are read one after the other.
    const [decisionPass, outcomePass] = await firstPass(
      logs,
      units,
      settings.shard,
      partitions,
      threads,
      command,
    );
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
    const job = command.job(
      {
        layout: { folder: partitions.folder, count, shardCount: settings.shard.count },
        logs,
        units,
        unitLines: results.map((result) => result.lines),
        writers,
      },
      outcomes,
    );
    const spares = new TallyBuffers(command.buffers);
    if (threads === undefined) {
      for (let partition = 0; partition < count; partition++) {
        spares.taken(add, command.tally(job, partition, spares.spare()));
      }
    } else {
      await threads.forEach<PartitionResult<Tally>>(
        count,
        (partition) => {
          const spare = spares.spare();
          return [{ job, partition, spare }, spare === undefined ? [] : [spare]];
        },
        (answer) => {
          throwFault(answer);
          spares.taken(add, answer.tally!);
        },
      );
    }
    return { decisionLines, outcomes };
  } finally {
    await threads?.stop();
    partitions.remove();
  }
}
