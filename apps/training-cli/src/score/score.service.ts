import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import { CalendarDay } from '@app/learner';
import type { PortableEngineState } from '@app/engagement';
import { loadModelSet } from '@app/ml';
import { readConfigFlag, requireServable } from '../cli/engine-config';
import { CliUsageError } from '../cli/cli-errors';
import { ProgressService } from '../cli/progress.service';
import { ScoreBlock, ScoreWorkerData, WorkerMessage } from './score-protocol';
import { Shard, ShardRange, shardRange } from './shard';

export interface ScoreOptions {
  readonly in: string;
  readonly out: string;
  readonly workers: number;
  readonly asOf: CalendarDay;
  readonly config: string;
  readonly modelsDir: string;
  /** Score only this shard of the input (`--shard I/N`); the whole file without it. */
  readonly shard?: Shard;
}

export interface ScoreSummary {
  readonly lines: number;
  readonly errors: number;
  readonly seconds: number;
  readonly modelVersion: string | null;
}

/** Bytes of whole lines per message to a worker: large enough to amortise the hop. */
const BLOCK_BYTES = 1 << 20;
/** Blocks per worker in flight or waiting to be written: what bounds memory. */
const BLOCKS_PER_WORKER = 4;
const NEWLINE = 0x0a;

interface ScoringThread {
  readonly worker: Worker;
  busy: number;
}

function startThread(
  data: ScoreWorkerData,
): Promise<{ thread: ScoringThread; modelVersion: string | null }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'score.worker.js'), {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    const onMessage = (message: WorkerMessage) => {
      worker.off('message', onMessage);
      if (message.kind === 'ready')
        resolve({ thread: { worker, busy: 0 }, modelVersion: message.modelVersion });
      else if (message.kind === 'failed')
        reject(new Error(`a scoring thread could not start: ${message.message}`));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
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

/**
 * Scores an NDJSON file of requests into an NDJSON file of answers, in input order, on worker
 * threads running the API's engine. This thread only cuts the file into blocks of whole lines
 * and writes the answers back in order; bytes travel to and from the threads as transferred
 * buffers. Reading pauses while every thread has its share of blocks in flight or waiting to be
 * written, so memory stays bounded whatever the file size.
 */
@Injectable()
export class ScoreService {
  constructor(private readonly progress: ProgressService) {}

  async score(options: ScoreOptions): Promise<ScoreSummary> {
    const state = await readInputs(options);
    const started = process.hrtime.bigint();
    const data: ScoreWorkerData = { state, asOf: options.asOf };
    const starts = await Promise.all(
      Array.from({ length: options.workers }, () => startThread(data)),
    );
    const threads = starts.map((s) => s.thread);
    const modelVersion = starts[0].modelVersion;
    const size = (await stat(options.in)).size;
    const range: ShardRange =
      options.shard === undefined
        ? { start: 0, end: size, firstLine: 1 }
        : await shardRange(options.in, size, options.shard);
    const output = createWriteStream(options.out);
    const task = this.progress.task('score', range.end - range.start);
    try {
      const { lines, errors } = await this.stream(options.in, range, output, threads, (bytes) =>
        task.increment(bytes),
      );
      await new Promise<void>((resolve, reject) =>
        output.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      return { lines, errors, seconds, modelVersion };
    } finally {
      task.stop();
      await Promise.all(threads.map((t) => t.worker.terminate()));
    }
  }

  private async stream(
    path: string,
    range: ShardRange,
    output: WriteStream,
    threads: ScoringThread[],
    onBytes: (bytes: number) => void,
  ): Promise<{ lines: number; errors: number }> {
    const limit = threads.length * BLOCKS_PER_WORKER;
    const finished = new Map<number, Uint8Array>();
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

    const flush = () => {
      while (finished.has(nextToWrite)) {
        const bytes = finished.get(nextToWrite)!;
        finished.delete(nextToWrite++);
        if (!output.write(bytes)) {
          output.once('drain', () => {
            open--;
            flush();
          });
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
        finished.set(message.seq, message.output);
        flush();
      });
      thread.worker.on('error', (error) => {
        failure = error;
        wakeUp();
      });
      thread.worker.on('exit', (code) => {
        if (code !== 0) failure ??= new Error(`a scoring thread exited with code ${code}`);
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
    /** Sends whole lines; the bytes are copied once into a buffer of their own and transferred. */
    const send = async (bytes: Buffer) => {
      await waitFor(() => open < limit);
      let count = 0;
      for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) count++;
      if (bytes[bytes.length - 1] !== NEWLINE) count++;
      const copy = new Uint8Array(bytes);
      const block: ScoreBlock = { seq: seq++, first: first + lines, bytes: copy };
      lines += count;
      const thread = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
      thread.busy++;
      open++;
      thread.worker.postMessage(block, [copy.buffer]);
    };

    let carry: Buffer = Buffer.alloc(0);
    // An empty shard reads nothing (createReadStream's end is inclusive).
    const input =
      range.end > range.start
        ? createReadStream(path, {
            start: range.start,
            end: range.end - 1,
            highWaterMark: BLOCK_BYTES,
          })
        : [];
    for await (const chunk of input) {
      const bytes = chunk as Buffer;
      onBytes(bytes.length);
      const data = carry.length === 0 ? bytes : Buffer.concat([carry, bytes]);
      const cut = data.lastIndexOf(NEWLINE);
      if (cut < 0) {
        carry = data;
        continue;
      }
      carry = Buffer.from(data.subarray(cut + 1));
      await send(data.subarray(0, cut + 1));
    }
    if (carry.length > 0) await send(carry);
    await waitFor(() => open === 0);
    return { lines, errors };
  }
}
