import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import { ConfigError, loadEngineConfig } from '@app/engagement';
import { CalendarDay } from '@app/ml';
import { CliUsageError } from '../cli/cli-errors';
import { ProgressService } from '../cli/progress.service';
import { ScoreChunk, ScoreWorkerData, WorkerMessage } from './score-protocol';

export interface ScoreOptions {
  readonly in: string;
  readonly out: string;
  readonly workers: number;
  readonly asOf: CalendarDay;
  readonly config: string;
  readonly modelsDir: string;
}

export interface ScoreSummary {
  readonly lines: number;
  readonly errors: number;
  readonly seconds: number;
  readonly modelVersion: string | null;
}

/** Lines per message to a worker: large enough to amortise the hop, small enough to stream. */
const CHUNK_LINES = 1000;
/** Chunks per worker in flight or waiting to be written: what bounds memory. */
const CHUNKS_PER_WORKER = 4;

interface ScoringThread {
  readonly worker: Worker;
  busy: number;
}

function startThread(
  data: ScoreWorkerData,
): Promise<{ thread: ScoringThread; modelVersion: string | null }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'score.worker.js'), { workerData: data });
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

async function checkInputs(options: ScoreOptions): Promise<void> {
  const input = await stat(options.in).catch(() => undefined);
  if (input === undefined || !input.isFile()) {
    throw new CliUsageError(`--in ${options.in}: no such file`);
  }
  try {
    loadEngineConfig(options.config);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--config: ${error.message}`);
    throw error;
  }
}

/**
 * Scores an NDJSON file of requests into an NDJSON file of answers, in input order, on worker
 * threads running the API's engine. Reading pauses while every thread has its share of chunks
 * in flight or waiting to be written, so memory stays bounded whatever the file size.
 */
@Injectable()
export class ScoreService {
  constructor(private readonly progress: ProgressService) {}

  async score(options: ScoreOptions): Promise<ScoreSummary> {
    await checkInputs(options);
    const started = process.hrtime.bigint();
    const data: ScoreWorkerData = {
      configPath: options.config,
      modelsDir: options.modelsDir,
      asOf: options.asOf,
    };
    const starts = await Promise.all(
      Array.from({ length: options.workers }, () => startThread(data)),
    );
    const threads = starts.map((s) => s.thread);
    const modelVersion = starts[0].modelVersion;
    const output = createWriteStream(options.out);
    const task = this.progress.task('score', (await stat(options.in)).size);
    try {
      const { lines, errors } = await this.stream(options.in, output, threads, (bytes) =>
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
    output: WriteStream,
    threads: ScoringThread[],
    onBytes: (bytes: number) => void,
  ): Promise<{ lines: number; errors: number }> {
    const limit = threads.length * CHUNKS_PER_WORKER;
    const finished = new Map<number, string>();
    let nextToWrite = 0;
    let open = 0; // chunks sent and not yet written
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
        const text = finished.get(nextToWrite)!;
        finished.delete(nextToWrite++);
        if (!output.write(text)) {
          output.once('drain', () => {
            open--;
            flush();
            wakeUp();
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
    let batch: string[] = [];
    const send = async () => {
      await waitFor(() => open < limit);
      const thread = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
      const chunk: ScoreChunk = { seq: seq++, first: lines - batch.length + 1, lines: batch };
      thread.busy++;
      open++;
      thread.worker.postMessage(chunk);
      batch = [];
    };

    const input = createReadStream(path);
    input.on('data', (bytes) => onBytes(bytes.length));
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      batch.push(line);
      lines++;
      if (batch.length === CHUNK_LINES) await send();
    }
    if (batch.length > 0) await send();
    await waitFor(() => open === 0);
    return { lines, errors };
  }
}
