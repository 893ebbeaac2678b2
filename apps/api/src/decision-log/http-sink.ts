import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createGzip } from 'node:zlib';
import type { LoggerService } from '@nestjs/common';
import { DecisionLogTally, SinkHealth } from './decision-sink';
import { LineBatch, LineChunk, LineQueue } from './line-queue';

/**
 * zlib's fastest level: the service, its load and often the collector share the machine's cores,
 * and what gzip takes from them is taken from the answers. Measured on a 2-core VM with Node 20,
 * a megabyte of simulator lines (varied learners) gzips in 2.8 ms at level 1, 5.3 ms at level 4
 * and 7.1 ms at the default 6, to 1/16.6, 1/23 and 1/28 of its size; lines as alike as a load
 * test's gzip in 1.1 ms at level 1 and 4 to 6 ms at level 4.
 */
const GZIP_LEVEL = 1;

/**
 * Lines gzipped for a POST: what is in flight, and the whole batches that wait behind it. Those
 * are gzipped as they fill, not when they go, so a backlog is held compressed and the catch-up
 * after an outage posts what is ready instead of compressing megabytes back to back.
 */
interface Batch {
  readonly lines: number;
  /** The lines' bytes before gzip: what the buffer's bound and the tally count. */
  readonly bytes: number;
  /** The gzipped lines, or why they could not be gzipped. */
  readonly body: Promise<Buffer | Error>;
}

/** The parts gzipped one after the other into one body, or why they could not be. */
function gzipped(parts: readonly Buffer[]): Promise<Buffer | Error> {
  return new Promise((resolve) => {
    const gzip = createGzip({ level: GZIP_LEVEL });
    const out: Buffer[] = [];
    let length = 0;
    gzip.on('data', (data: Buffer) => {
      out.push(data);
      length += data.length;
    });
    gzip.on('end', () => resolve(Buffer.concat(out, length)));
    gzip.on('error', resolve);
    for (const part of parts) gzip.write(part);
    gzip.end();
  });
}

/** The batch's lines gzipped; their chunks are released once gzip has read them. */
function batchOf({ parts, lines, bytes, release }: LineBatch): Batch {
  const body = gzipped(parts);
  void body.then(release);
  return { lines, bytes, body };
}

export interface HttpSinkOptions {
  readonly url: URL;
  /** A batch is sent this long after the last one at the latest (DECISION_LOG_FLUSH_MS). */
  readonly flushMs: number;
  /** A batch is sent as soon as this many bytes wait (DECISION_LOG_BATCH_BYTES). */
  readonly batchBytes: number;
  /** Bytes held while the collector is slow or down; the oldest are dropped beyond it. */
  readonly bufferBytes: number;
  /** One POST's time limit (DECISION_LOG_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

/** The first retry waits up to this, each next one twice as long, up to RETRY_CAP_MS. */
const RETRY_BASE_MS = 250;
/**
 * A down collector is asked again within 5 s: one connection attempt, which costs it nothing, and
 * the service notices it is back within 5 s, where a 30 s cap let the buffer fill (and drop) for
 * up to half a minute after it was.
 */
const RETRY_CAP_MS = 5_000;

/** A POST's outcome: delivered, worth retrying (after `waitMs` if the collector said), or refused. */
type PostResult =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly error: string; readonly waitMs?: number }
  | { readonly kind: 'refused'; readonly error: string };

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when absent or bad. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: a random wait up to base · 2^attempt, capped. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt));
}

/** The URL as /health and the logs show it: without its credentials. */
export function displayUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/** 408, 429 and 5xx are the collector's trouble and worth another try; other 4xx are ours. */
function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Sends the decision lines to a collector: gzipped NDJSON, POSTed every `flushMs` or when
 * `batchBytes` wait, one batch at a time, so batches arrive in the order the lines were made.
 * A failed POST is tried again with exponential backoff and jitter (at least what Retry-After
 * asks); meanwhile new lines wait in a buffer of `bufferBytes`, each whole batch of them gzipped
 * (Batch), and the oldest (a whole batch, or lines not yet in one) are dropped when it is full.
 * A batch the collector refuses (a 4xx other than 408 and 429) is dropped.
 * Nothing here waits on a request or fails one. A batch whose POST timed out may have arrived:
 * trying it again can deliver its lines twice, which readers drop by `decision_id`.
 * The service runs it on a thread of its own (http-sink.worker, ThreadedHttpSink).
 */
export class HttpDecisionSink {
  /** Lines not yet in a batch. */
  private readonly queue: LineQueue;
  /** Whole batches waiting behind the one in flight, oldest first. */
  private waiting: Batch[] = [];
  private waitingBytes = 0;
  private readonly timer: NodeJS.Timeout;
  /** The batch being posted, or waiting to be posted again. */
  private inFlight: Batch | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError: string | null = null;
  /** Set while posts fail or lines are dropped; cleared by a delivery. */
  private troubleSince: number | undefined;
  private droppedAtTrouble = 0;
  private droppingSaid = false;
  private closing = false;
  private closed = false;
  /** The POST under way, if any. */
  private posting: Promise<PostResult> | undefined;
  /** Aborted at the shutdown deadline: a POST still under way then is cut off. */
  private readonly stop = new AbortController();
  /** The collector as /health shows it: made once, as the log's thread asks every 50 ms. */
  private readonly target: string;

  constructor(
    private readonly options: HttpSinkOptions,
    private readonly tally: DecisionLogTally,
    private readonly logger: LoggerService,
    private readonly post: (body: Buffer, signal: AbortSignal) => Promise<PostResult> = (
      body,
      signal,
    ) => postBatch(options.url, body, signal),
  ) {
    this.queue = new LineQueue(options.bufferBytes);
    this.target = displayUrl(options.url);
    this.timer = setInterval(() => this.send(), options.flushMs).unref();
  }

  get bufferedBytes(): number {
    return this.queue.bytes + this.waitingBytes + (this.inFlight?.bytes ?? 0);
  }

  write(chunk: LineChunk): void {
    if (this.closed) {
      chunk.release?.();
      return this.drop(chunk.lines, 'the log is closed');
    }
    const dropped = this.hold(chunk);
    if (dropped > 0) this.drop(dropped, 'the buffer is full');
    if (this.queue.bytes < this.options.batchBytes) return;
    this.send();
    // Behind a batch in flight, each whole batch is gzipped now, while the lines come.
    while (this.queue.bytes >= this.options.batchBytes) {
      const lines = this.queue.take(this.options.batchBytes) as LineBatch;
      this.waiting.push(batchOf(lines));
      this.waitingBytes += lines.bytes;
    }
  }

  health(): SinkHealth {
    return {
      target: this.target,
      degraded: this.troubleSince !== undefined,
      buffered_bytes: this.bufferedBytes,
      last_error: this.lastError,
    };
  }

  async close(deadline: number): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    const cutOff = setTimeout(() => this.stop.abort(), Math.max(0, deadline - Date.now()));
    if (this.posting !== undefined) await this.posting;
    while (!this.stop.signal.aborted && this.bufferedBytes > 0) {
      this.inFlight ??= this.next();
      const outcome = await this.deliver();
      if (outcome.kind !== 'retry') continue;
      const wait = Math.max(outcome.waitMs ?? 0, backoffMs(this.attempt));
      if (Date.now() + wait >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    clearTimeout(cutOff);
    // A batch cut off at the deadline is counted dropped, though the collector may have got it.
    const left =
      (this.inFlight?.lines ?? 0) +
      this.waiting.reduce((sum, batch) => sum + batch.lines, 0) +
      this.queue.clear();
    this.inFlight = undefined;
    this.waiting = [];
    this.waitingBytes = 0;
    this.closed = true;
    if (left > 0) this.drop(left, 'the shutdown deadline came first');
  }

  /**
   * Queues `chunk` in the room the batch in flight leaves, dropping the oldest lines held to make
   * it: whole waiting batches first, then lines of the queue. Returns the lines dropped (the
   * chunk itself when it is bigger than the room).
   */
  private hold(chunk: LineChunk): number {
    const room = this.options.bufferBytes - (this.inFlight?.bytes ?? 0);
    if (chunk.bytes > room) {
      chunk.release?.();
      return chunk.lines;
    }
    let dropped = 0;
    while (this.waiting.length > 0 && this.bufferedBytes + chunk.bytes > this.options.bufferBytes) {
      const oldest = this.waiting.shift() as Batch;
      this.waitingBytes -= oldest.bytes;
      dropped += oldest.lines;
    }
    dropped += this.queue.push(chunk);
    while (this.queue.bytes > room - this.waitingBytes) {
      const oldest = this.queue.take(0);
      oldest?.release();
      dropped += oldest?.lines ?? 0;
    }
    return dropped;
  }

  /** The oldest batch waiting, or else one of the oldest lines; undefined when nothing is held. */
  private next(): Batch | undefined {
    const waiting = this.waiting.shift();
    if (waiting !== undefined) {
      this.waitingBytes -= waiting.bytes;
      return waiting;
    }
    const lines = this.queue.take(this.options.batchBytes);
    return lines === undefined ? undefined : batchOf(lines);
  }

  /** Starts a POST of the oldest lines unless one is under way or waiting to be retried. */
  private send(): void {
    if (this.closing || this.inFlight !== undefined) return;
    this.inFlight = this.next();
    if (this.inFlight !== undefined) void this.deliver().then((outcome) => this.after(outcome));
  }

  private after(outcome: PostResult): void {
    if (this.closing) return;
    if (outcome.kind === 'retry') {
      const wait = Math.max(outcome.waitMs ?? 0, backoffMs(this.attempt));
      this.retryTimer = setTimeout(
        () => void this.deliver().then((next) => this.after(next)),
        wait,
      );
      this.retryTimer.unref();
      return;
    }
    // Delivered or refused: the next batch may go at once if a whole one waits.
    if (this.waiting.length > 0 || this.queue.bytes >= this.options.batchBytes) this.send();
  }

  /** Posts the batch in flight once; settles the books on its outcome. */
  private deliver(): Promise<PostResult> {
    this.posting = this.postInFlight().finally(() => (this.posting = undefined));
    return this.posting;
  }

  private async postInFlight(): Promise<PostResult> {
    const batch = this.inFlight as Batch;
    const body = await batch.body;
    const signal = AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    // Lines that could not be gzipped would fail so again: they are dropped, as a refused batch.
    const outcome: PostResult =
      body instanceof Error
        ? { kind: 'refused', error: `the batch could not be gzipped: ${body.message}` }
        : await this.post(body, signal);
    if (outcome.kind === 'retry') {
      this.attempt++;
      this.tally.retries++;
      this.trouble(outcome.error);
      return outcome;
    }
    this.inFlight = undefined;
    this.attempt = 0;
    if (outcome.kind === 'refused') {
      this.drop(batch.lines, outcome.error);
      return outcome;
    }
    this.tally.written += batch.lines;
    this.tally.writtenBytes += batch.bytes;
    this.tally.batches++;
    this.recovered();
    return outcome;
  }

  private trouble(error: string): void {
    this.lastError = error;
    if (this.troubleSince !== undefined) return;
    this.troubleSince = Date.now();
    this.droppedAtTrouble = this.tally.dropped;
    this.logger.warn(
      `decision log degraded: ${error}; retrying with backoff, holding up to ${this.options.bufferBytes} bytes`,
    );
  }

  private drop(lines: number, why: string): void {
    this.tally.dropped += lines;
    this.trouble(why);
    if (this.droppingSaid) return;
    this.droppingSaid = true;
    this.logger.warn(`decision log dropping lines: ${why} (counted in decision_log_dropped_total)`);
  }

  private recovered(): void {
    if (this.troubleSince === undefined) return;
    const seconds = ((Date.now() - this.troubleSince) / 1000).toFixed(1);
    const dropped = this.tally.dropped - this.droppedAtTrouble;
    this.logger.log(
      `decision log recovered after ${seconds} s; ${dropped} lines dropped meanwhile`,
    );
    this.troubleSince = undefined;
    this.droppingSaid = false;
  }
}

/**
 * Connections to the collector, kept alive between batches. node:http rather than fetch: with
 * fetch (undici, through web streams) a POST of a megabyte batch cost the log's thread about
 * 3 ms of CPU.
 */
const AGENTS = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 1 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 1 }),
};

/** Why a POST failed, as /health's last_error says it. */
function postError(error: NodeJS.ErrnoException, signal: AbortSignal): string {
  if (!signal.aborted) return error.code ?? error.message;
  const reason = signal.reason as Error | undefined;
  return reason?.name === 'TimeoutError'
    ? 'the POST timed out'
    : 'the POST was cut off at shutdown';
}

/** One POST of a gzipped batch. */
function postBatch(url: URL, body: Buffer, signal: AbortSignal): Promise<PostResult> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const post = send(
      url,
      {
        method: 'POST',
        agent: AGENTS[url.protocol as keyof typeof AGENTS],
        signal,
        headers: {
          'content-type': 'application/x-ndjson',
          'content-encoding': 'gzip',
          'content-length': body.length,
        },
      },
      (response) => {
        response.resume();
        response.on('error', (error) => resolve({ kind: 'retry', error: error.message }));
        // Cut off before its end (the promise settles once: after 'end', this changes nothing).
        response.on('close', () =>
          resolve({ kind: 'retry', error: 'the collector closed the connection' }),
        );
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ kind: 'delivered' });
          const error = `the collector answered ${status}`;
          if (!isRetryable(status)) return resolve({ kind: 'refused', error });
          const retryAfter = response.headers['retry-after'];
          resolve({ kind: 'retry', error, waitMs: retryAfterMs(retryAfter ?? null, Date.now()) });
        });
      },
    );
    post.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'retry', error: postError(error, signal) }),
    );
    post.end(body);
  });
}
