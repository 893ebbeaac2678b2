import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { DecisionLogTally, DecisionSink, SinkHealth } from './decision-sink';
import { lineChunk } from './line-queue';

export interface FileSinkOptions {
  /** `DECISION_LOG=file:PATH`'s PATH: the files are named after it, in its folder. */
  readonly path: string;
  /** A file is closed and the next one opened before it would pass this (DECISION_LOG_MAX_BYTES). */
  readonly maxBytes: number;
  /** Bytes waiting for the disk beyond which new lines are dropped (DECISION_LOG_BUFFER_BYTES). */
  readonly bufferBytes: number;
}

/** `20261202T134501Z`: sorts as time does. */
function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * The name of one file of the log: PATH's name, then when it was opened, the host, the process
 * and a sequence number, then PATH's extension: `decisions.ndjson` gives
 * `decisions-20261202T134501Z-web-1-4711-0001.ndjson`. Every process writes files of its own,
 * so workers never share one; `decisions-*.ndjson` matches them all, and sorted by name they are
 * in time order per process.
 */
export function logFileName(
  path: string,
  at: Date,
  host: string,
  pid: number,
  seq: number,
): string {
  const extension = extname(path) || '.ndjson';
  const stem = basename(path, extname(path));
  const safeHost = host.replace(/[^A-Za-z0-9.-]+/g, '_');
  const name = `${stem}-${stamp(at)}-${safeHost}-${pid}-${String(seq).padStart(4, '0')}${extension}`;
  return join(dirname(path), name);
}

/**
 * Appends the decision lines to files of this process's own, opening the next file before one
 * would pass `maxBytes`. Lines are written whole, in the order they were made; a file holds
 * whole lines only. When the disk falls behind by `bufferBytes`, new lines are dropped and
 * counted rather than held.
 */
export class FileDecisionSink implements DecisionSink {
  private stream: WriteStream | undefined;
  private fileBytes = 0;
  private seq = 0;
  private currentFile = '';
  private lastError: string | null = null;
  private dropping = false;
  /** Files ended (by a rotation, or at close) whose writes may not all have landed yet. */
  private readonly ending = new Set<Promise<void>>();

  constructor(
    private readonly options: FileSinkOptions,
    private readonly tally: DecisionLogTally,
    private readonly logger: LoggerService,
    private readonly now: () => Date = () => new Date(),
  ) {
    try {
      mkdirSync(dirname(options.path), { recursive: true });
    } catch (error) {
      // At start-up: the service does not start with a log it cannot write.
      throw new Error(
        `DECISION_LOG=file:${options.path}: cannot create its folder (${(error as Error).message})`,
      );
    }
  }

  get bufferedBytes(): number {
    return this.stream?.writableLength ?? 0;
  }

  write(text: string, lines: number): void {
    const chunk = lineChunk(text, lines);
    if (this.lastError !== null || this.bufferedBytes + chunk.bytes > this.options.bufferBytes) {
      return this.drop(chunk.lines, this.lastError ?? 'the disk is behind by the whole buffer');
    }
    if (this.dropping) {
      this.dropping = false;
      this.logger.log('decision log writing again');
    }
    if (this.stream === undefined || this.fileBytes + chunk.bytes > this.options.maxBytes) {
      this.open();
    }
    const stream = this.stream as WriteStream;
    this.fileBytes += chunk.bytes;
    stream.write(chunk.data, () => {
      this.tally.written += chunk.lines;
      this.tally.writtenBytes += chunk.bytes;
    });
  }

  health(): SinkHealth {
    return {
      target: this.currentFile || this.options.path,
      degraded: this.lastError !== null || this.dropping,
      buffered_bytes: this.bufferedBytes,
      last_error: this.lastError,
    };
  }

  /**
   * Ends the current file and waits, until the deadline, for every file's writes to land: a
   * file a rotation ended may still be writing, and its lines are counted written only then.
   */
  async close(deadline: number): Promise<void> {
    if (this.stream !== undefined) this.end(this.stream);
    this.stream = undefined;
    if (this.ending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([Promise.all([...this.ending]), late]);
    clearTimeout(timer);
  }

  /** Ends a file; its pending writes still land, and `ending` holds it until they have. */
  private end(stream: WriteStream): void {
    const ended = new Promise<void>((resolve) => stream.end(() => resolve()));
    this.ending.add(ended);
    void ended.then(() => this.ending.delete(ended));
  }

  /** Ends the current file (its pending writes still land) and starts the next. */
  private open(): void {
    if (this.stream !== undefined) this.end(this.stream);
    this.seq++;
    this.currentFile = logFileName(
      this.options.path,
      this.now(),
      hostname(),
      process.pid,
      this.seq,
    );
    this.fileBytes = 0;
    const stream = createWriteStream(this.currentFile, { flags: 'a' });
    stream.on('error', (error) => {
      this.lastError = `${this.currentFile}: ${error.message}`;
      this.logger.error(`decision log cannot write: ${this.lastError}; new lines are dropped`);
    });
    this.stream = stream;
  }

  private drop(lines: number, why: string): void {
    this.tally.dropped += lines;
    if (this.dropping) return;
    this.dropping = true;
    this.logger.warn(`decision log dropping lines: ${why} (counted in decision_log_dropped_total)`);
  }
}
