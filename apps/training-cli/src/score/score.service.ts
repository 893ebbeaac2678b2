import { createReadStream, ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import { CalendarDay } from '@app/learner';
import { AnalysisView, SharedSlots } from '@app/contract';
import type { DecisionLogRequest, PortableEngineState } from '@app/engagement';
import { loadModelSet } from '@app/ml';
import { readConfigFlag, requireServable } from '../cli/engine-config';
import { scavengeWithoutHelpers } from '../cli/v8-heap';
import { CliUsageError } from '../cli/cli-errors';
import { ProgressService, ProgressTask } from '../cli/progress.service';
import { LinePiece, LineSplitter } from './line-splitter';
import { PendingFile } from './pending-file';
import { tooLongLine } from './score-line';
import {
  BlockBytes,
  ScoreBlock,
  ScoreStart,
  ScoreWorkerData,
  WorkerMessage,
} from './score-protocol';
import { Shard } from '../cli/shard-option';
import { ShardRange, shardRange } from './shard';

export interface ScoreOptions {
  readonly in: string;
  readonly out: string;
  readonly workers: number;
  readonly asOf: CalendarDay;
  readonly config: string;
  readonly modelsDir: string;
  /** Score only this shard of the input (`--shard I/N`); the whole file without it. */
  readonly shard?: Shard;
  /** A line longer than this (line ending aside) is answered with an error, unread. */
  readonly maxLineBytes: number;
  /** Also writes the decisions log here: a line per answered line, as the API's DECISION_LOG. */
  readonly decisionsOut?: string;
  /** How much of each request a decision's line keeps (as DECISION_LOG_REQUEST). */
  readonly decisionsRequest: DecisionLogRequest;
  /** How much of each answer is written: the API's full view, or its compact one. */
  readonly view: AnalysisView;
  /** Stops the run, leaving `out` as it was: a ScoreStoppedError caused by the abort's reason. */
  readonly signal?: AbortSignal;
}

/**
 * The run stopped after it began writing (a thread or the disk failed, or it was interrupted):
 * `out` was left as it was. The message is one line; the reason is the cause.
 */
export class ScoreStoppedError extends Error {
  override readonly name = 'ScoreStoppedError';
}

/** Why a run was aborted from outside: the signal the process got. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';

  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

export interface ScoreSummary {
  readonly lines: number;
  readonly errors: number;
  readonly seconds: number;
  readonly modelVersion: string | null;
}

/** The files a run writes: the answers, and with `--decisions-out` the decisions log. */
interface OutputFiles {
  readonly output: PendingFile;
  readonly decisions: PendingFile | undefined;
}

/** Bytes to write, and the output slot they are in (-1 for none), freed once written. */
interface Received {
  readonly bytes: Uint8Array;
  readonly slot: number;
}

/** A block's answers and its decisions' lines, waiting for their turn to be written. */
interface ScoredBytes {
  readonly output: Received;
  readonly decisions: Received;
}

const NOTHING: Received = { bytes: new Uint8Array(0), slot: -1 };

function pendingOutput(path: string, flag: string): Promise<PendingFile> {
  return PendingFile.create(path).catch((error: Error) => {
    throw new CliUsageError(`${flag} ${path}: cannot write it (${error.message})`);
  });
}

/** Bytes of whole lines per message to a worker: large enough to amortise the hop. */
const BLOCK_BYTES = 1 << 20;
/** Blocks per worker in flight or waiting to be written: what bounds memory. */
const BLOCKS_PER_WORKER = 4;
/** A block is the lines of one read, plus the end of a line begun in the read before. */
const INPUT_SLOT_BYTES = BLOCK_BYTES + (BLOCK_BYTES >> 2);
/** Answers in the full view run to about three times their requests' bytes. */
const OUTPUT_SLOT_BYTES = 4 * BLOCK_BYTES;

/**
 * The memory a run's threads share with the main thread for its blocks and their answers (see
 * SharedSlots): allocated once, so that a run of a gigabyte allocates no gigabyte of buffers,
 * each of which the receiving thread's heap counted toward its next full collection (the main
 * thread ran 43 of them in a run of a million lines). A block waiting for a thread holds an
 * input slot, a block waiting to be written an output slot (two with its decisions' lines): at
 * most BLOCKS_PER_WORKER a thread of each.
 */
interface RunSlots {
  readonly inputs: SharedSlots;
  readonly outputs: SharedSlots;
}

function runSlots(workers: number, decisions: boolean): RunSlots {
  const blocks = workers * BLOCKS_PER_WORKER;
  return {
    inputs: SharedSlots.create(blocks, INPUT_SLOT_BYTES),
    outputs: SharedSlots.create(decisions ? 2 * blocks : blocks, OUTPUT_SLOT_BYTES),
  };
}

interface ScoringThread {
  readonly worker: Worker;
  busy: number;
}

/** A thread started before the engine state is read, and its answer to the state once sent. */
interface StartingThread {
  readonly worker: Worker;
  /** The version of the models the thread's engine serves, once it has built it. */
  readonly ready: Promise<string | null>;
}

/**
 * Starts a scoring thread. It loads its scripts (a fifth of a second) while this thread reads the
 * config and the models, then waits for the state (ScoreStart).
 */
function spawnThread(data: ScoreWorkerData): StartingThread {
  const worker = new Worker(join(__dirname, 'score.worker.js'), {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: 64 },
  });
  const ready = new Promise<string | null>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      worker.off('message', onMessage);
      if (message.kind === 'ready') resolve(message.modelVersion);
      else if (message.kind === 'failed')
        reject(new Error(`a scoring thread could not start: ${message.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    // Once ready, a later exit is the run's to notice (stream), and this no longer settles.
    worker.once('exit', (code) =>
      reject(new Error(`a scoring thread exited with code ${code} before it started`)),
    );
  });
  // A run that stops before it sends the state (a bad flag) never waits for this.
  ready.catch(() => undefined);
  return { worker, ready };
}

/**
 * Checks the input, and reads the engine state the threads are given as data, as the API's
 * batch threads are: the config document (checked here first) and the models' weights. As in
 * the API, models that do not load leave the engine on rules alone.
 */
async function readInputs(options: ScoreOptions): Promise<PortableEngineState> {
  const input = await stat(options.in).catch(() => undefined);
  if (input === undefined || !input.isFile()) {
    throw new CliUsageError(`--in ${options.in}: no such file`);
  }
  const { config, document } = readConfigFlag(options.config);
  const models = await loadModelSet(options.modelsDir).catch(() => undefined);
  requireServable(config, models);
  return {
    configDocument: document,
    configSource: options.config,
    models:
      models === undefined
        ? undefined
        : { manifest: models.manifest, models: models.models, controls: models.controls },
  };
}

/** The one line a stopped run ends with, from what stopped it. */
function stoppedError(reason: unknown, out: string): ScoreStoppedError {
  const why =
    reason instanceof InterruptedError
      ? `interrupted by ${reason.signal}`
      : `failed: ${(reason instanceof Error ? reason.message : String(reason)).split('\n')[0]}`;
  return new ScoreStoppedError(`score ${why}; ${out} left as it was`, { cause: reason });
}

/**
 * Scores an NDJSON file of requests into an NDJSON file of answers, in input order, on worker
 * threads running the API's engine. This thread only cuts the file into blocks of whole lines
 * and writes the answers back in order; bytes travel to and from the threads as transferred
 * buffers. Reading pauses while every thread has its share of blocks in flight or waiting to be
 * written, so memory stays bounded whatever the file size. The answers reach `out` only whole:
 * they are written beside it and renamed onto it at the end.
 */
@Injectable()
export class ScoreService {
  constructor(private readonly progress: ProgressService) {}

  async score(options: ScoreOptions): Promise<ScoreSummary> {
    if (
      options.decisionsOut !== undefined &&
      resolve(options.decisionsOut) === resolve(options.out)
    ) {
      throw new CliUsageError(`--decisions-out ${options.decisionsOut}: the same file as --out`);
    }
    const slots = runSlots(options.workers, options.decisionsOut !== undefined);
    const data: ScoreWorkerData = {
      asOf: options.asOf,
      view: options.view,
      ...(options.decisionsOut === undefined ? {} : { decisions: options.decisionsRequest }),
      inputSlots: slots.inputs.data,
      outputSlots: slots.outputs.data,
    };
    scavengeWithoutHelpers(options.workers);
    const threads = Array.from({ length: options.workers }, () => spawnThread(data));
    try {
      return await this.scoreWith(threads, slots, options);
    } finally {
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
    }
  }

  private async scoreWith(
    starting: readonly StartingThread[],
    slots: RunSlots,
    options: ScoreOptions,
  ): Promise<ScoreSummary> {
    const state = await readInputs(options);
    const started = process.hrtime.bigint();
    const output = await pendingOutput(options.out, '--out');
    const decisions =
      options.decisionsOut === undefined
        ? undefined
        : await pendingOutput(options.decisionsOut, '--decisions-out').catch(async (error) => {
            await output.discard();
            throw error;
          });
    try {
      const scored = await this.scoreTo({ output, decisions }, state, starting, slots, options);
      options.signal?.throwIfAborted();
      await output.commit();
      await decisions?.commit();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { ...scored, seconds };
    } catch (error) {
      await output.discard();
      await decisions?.discard();
      // An abort surfaces as whatever it broke first (a destroyed stream); its reason is the news.
      const outs = [options.out, options.decisionsOut].filter((out) => out !== undefined);
      throw stoppedError(
        options.signal?.aborted ? options.signal.reason : error,
        outs.join(' and '),
      );
    }
  }

  private async scoreTo(
    files: OutputFiles,
    state: PortableEngineState,
    starting: readonly StartingThread[],
    slots: RunSlots,
    options: ScoreOptions,
  ): Promise<Omit<ScoreSummary, 'seconds'>> {
    const start: ScoreStart = { state };
    for (const { worker } of starting) worker.postMessage(start);
    const versions = await Promise.all(starting.map((thread) => thread.ready));
    const threads: ScoringThread[] = starting.map(({ worker }) => ({ worker, busy: 0 }));
    let task: ProgressTask | undefined;
    try {
      options.signal?.throwIfAborted();
      const size = (await stat(options.in)).size;
      const range: ShardRange =
        options.shard === undefined
          ? { start: 0, end: size, firstLine: 1 }
          : await shardRange(options.in, size, options.shard);
      const progress = this.progress.task('score', range.end - range.start);
      task = progress;
      const { lines, errors } = await this.stream(options, range, files, threads, slots, (bytes) =>
        progress.increment(bytes),
      );
      return { lines, errors, modelVersion: versions[0] };
    } finally {
      task?.stop();
    }
  }

  private async stream(
    options: ScoreOptions,
    range: ShardRange,
    files: OutputFiles,
    threads: ScoringThread[],
    slots: RunSlots,
    onBytes: (bytes: number) => void,
  ): Promise<{ lines: number; errors: number }> {
    const limit = threads.length * BLOCKS_PER_WORKER;
    const output = files.output;
    const decisionsOut = files.decisions;
    const finished = new Map<number, ScoredBytes>();
    let nextToWrite = 0;
    let open = 0; // blocks sent and not yet written
    let errors = 0;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const wakeUp = () => {
      const resume = wake;
      wake = undefined;
      resume?.();
    };

    const { inputs, outputs } = slots;
    const received = (bytes: BlockBytes): Received =>
      bytes instanceof Uint8Array
        ? { bytes, slot: -1 }
        : { bytes: outputs.view(bytes.slot, bytes.length), slot: bytes.slot };
    /** Writes bytes (none: nothing), freeing their slot once written; false when `to` is full. */
    const write = (to: PendingFile | undefined, { bytes, slot }: Received): boolean => {
      if (to === undefined || bytes.length === 0) return true;
      return to.write(bytes, slot < 0 ? undefined : () => outputs.free(slot));
    };

    const flush = () => {
      while (finished.has(nextToWrite)) {
        const { output: bytes, decisions } = finished.get(nextToWrite)!;
        finished.delete(nextToWrite++);
        // Each stream that is full is waited for before the next block is written.
        const full = [
          write(output, bytes) ? undefined : output.stream,
          write(decisionsOut, decisions) ? undefined : decisionsOut?.stream,
        ].filter((stream) => stream !== undefined);
        if (full.length > 0) {
          let waiting = full.length;
          for (const stream of full) {
            stream.once('drain', () => {
              if (--waiting > 0) return;
              open--;
              flush();
            });
          }
          return;
        }
        open--;
      }
      wakeUp();
    };

    for (const thread of threads) {
      thread.worker.on('message', (message: WorkerMessage) => {
        if (message.kind !== 'scored') return;
        thread.busy--;
        errors += message.errors;
        finished.set(message.seq, {
          output: received(message.output),
          decisions: received(message.decisions),
        });
        flush();
      });
      thread.worker.on('error', (error) => {
        failure ??= error;
        wakeUp();
      });
      thread.worker.on('exit', (code) => {
        if (code !== 0) failure ??= new Error(`a scoring thread exited with code ${code}`);
        wakeUp();
      });
    }
    for (const file of [output, decisionsOut]) {
      file?.stream.on('error', (error) => {
        failure ??= error;
        wakeUp();
      });
    }

    const waitFor = async (ready: () => boolean) => {
      while (!ready()) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (failure) throw failure;
    };

    let seq = 0;
    let lines = 0;
    const first = range.firstLine;
    const { maxLineBytes, signal } = options;
    /**
     * Sends whole lines, copied once: into a free input slot, or, too many bytes for one, into a
     * buffer of their own, transferred.
     */
    const send = async (piece: LinePiece) => {
      await waitFor(() => open < limit);
      open++;
      if (piece.kind === 'too-long') {
        // Nothing of the line was kept, so its answer is made here, in its place in the order.
        const answer = tooLongLine(first + lines++, piece.bytes, maxLineBytes);
        errors++;
        const bytes = Buffer.from(`${answer.output}\n`);
        finished.set(seq++, { output: { bytes, slot: -1 }, decisions: NOTHING });
        flush();
        return;
      }
      // Blocks waiting for a thread are fewer than `limit`, so a slot is free unless it is too small.
      const slot = piece.bytes <= inputs.slotBytes ? inputs.claim() : -1;
      const copy = slot >= 0 ? inputs.memoryOf(slot) : new Uint8Array(piece.bytes);
      let at = 0;
      for (const part of piece.parts) {
        copy.set(part, at);
        at += part.length;
      }
      const bytes: BlockBytes = slot >= 0 ? { slot, length: piece.bytes } : copy;
      const block: ScoreBlock = { seq: seq++, first: first + lines, bytes };
      lines += piece.lines;
      const thread = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
      thread.busy++;
      thread.worker.postMessage(block, slot >= 0 ? [] : [copy.buffer as ArrayBuffer]);
    };

    // An empty shard reads nothing (createReadStream's end is inclusive).
    const input: ReadStream | undefined =
      range.end > range.start
        ? createReadStream(options.in, {
            start: range.start,
            end: range.end - 1,
            highWaterMark: BLOCK_BYTES,
          })
        : undefined;
    const onAbort = () => {
      failure ??= signal?.reason;
      input?.destroy();
      wakeUp();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      const splitter = new LineSplitter(maxLineBytes);
      for await (const chunk of input ?? []) {
        const bytes = chunk as Buffer;
        onBytes(bytes.length);
        for (const piece of splitter.push(bytes)) await send(piece);
      }
      for (const piece of splitter.end()) await send(piece);
      await waitFor(() => open === 0);
      return { lines, errors };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      input?.destroy();
    }
  }
}
