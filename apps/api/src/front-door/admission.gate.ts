import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream';
import { HttpException, ServiceUnavailableException } from '@nestjs/common';
import { BATCH_ROUTE } from '../http/request-body';
import { pathOf } from '../http/path-of';
import type { Gate } from './front-door';
import { TurnQueue } from './turn-queue';

/** Probes and scrapers are cheap and must answer under any load: they are never counted. */
const EXEMPT = /^\/(health|metrics)(\/|$|\?)/;

/** Seconds a refused client is told to wait: the bound frees up as fast as requests finish. */
export const ADMISSION_RETRY_AFTER_S = 1;

/** Readiness stays down this long after a refusal, so a probe between two bursts still sees it. */
export const SATURATED_HOLD_MS = 1000;

export type RefusalReason = 'in_flight' | 'batch_bytes' | 'event_loop';

export const REFUSAL_REASONS: readonly RefusalReason[] = ['in_flight', 'batch_bytes', 'event_loop'];

/** The largest body a refused request's connection is closed after (read first, then closed). */
const CLOSE_BODY_MAX = 64 * 1024;

/** How often the event loop's delay is sampled (MAX_EVENT_LOOP_DELAY_MS). */
const LAG_SAMPLE_MS = 20;

export interface AdmissionLimits {
  /** MAX_IN_FLIGHT: requests being answered at once; 0 turns the bound off. */
  readonly maxInFlight: number;
  /** MAX_BATCH_BYTES_IN_FLIGHT: batch body bytes being answered at once; 0 turns it off. */
  readonly maxBatchBytes: number;
  /** BATCH_BODY_LIMIT: what a batch without a Content-Length counts as. */
  readonly batchBodyLimit: number;
  /** MAX_EVENT_LOOP_DELAY_MS: refuse while the event loop is this late; 0 (or absent): never. */
  readonly maxEventLoopDelayMs?: number;
}

/** Why readiness fails, for its body. */
export interface Saturation {
  readonly reason: string;
  readonly in_flight: number;
  readonly batch_bytes_in_flight: number;
}

/**
 * Admission control for one process: at most MAX_IN_FLIGHT requests and MAX_BATCH_BYTES_IN_FLIGHT
 * batch body bytes are being answered at once; beyond either bound a request is answered 503 with
 * Retry-After before its body is read, so overload costs a few hundred bytes instead of a parse
 * and the heap of a batch. A batch is counted by its Content-Length (a chunked one as
 * BATCH_BODY_LIMIT, the most it may grow to); one batch is always let in when none is in flight,
 * so a bound below BATCH_BODY_LIMIT slows batches down rather than refusing them all.
 */
export class Admission {
  private inFlightNow = 0;
  private batchBytesNow = 0;
  private lastRefusal = Number.NEGATIVE_INFINITY;
  private readonly refusals: Record<RefusalReason, number> = {
    in_flight: 0,
    batch_bytes: 0,
    event_loop: 0,
  };
  private lagMs = 0;
  /** When the sampling timer last ran: the start of the loop's current turn, or near it. */
  private tickAt = Number.POSITIVE_INFINITY;

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * Samples how late a timer fires, for MAX_EVENT_LOOP_DELAY_MS. A CPU-bound request finishes
   * within its tick, so requests in flight stay few while hundreds of sockets wait to be read:
   * the event loop's delay is what measures that queue. Timers run before I/O in each turn of
   * the loop, and a turn reads every socket that was ready when it began; so a request read
   * late in a long turn has waited at least as long as the turn has run, and is judged on that
   * (eventLoopDelayMs), not only on the last turn's delay. Unref'd: it never keeps the process
   * alive.
   */
  watchEventLoop(): void {
    if (!(this.limits.maxEventLoopDelayMs! > 0)) return;
    let expected = performance.now() + LAG_SAMPLE_MS;
    this.tickAt = expected - LAG_SAMPLE_MS;
    setInterval(() => {
      const now = performance.now();
      this.lagMs = Math.max(0, now - expected);
      this.tickAt = now;
      expected = now + LAG_SAMPLE_MS;
    }, LAG_SAMPLE_MS).unref();
  }

  /**
   * How late the event loop runs, in milliseconds: the last sample's delay, or how long the
   * current turn has run past the sampling interval, whichever is more.
   */
  get eventLoopDelayMs(): number {
    return Math.max(this.lagMs, performance.now() - this.tickAt - LAG_SAMPLE_MS);
  }

  get inFlight(): number {
    return this.inFlightNow;
  }

  get batchBytesInFlight(): number {
    return this.batchBytesNow;
  }

  /** Requests refused since start, by the bound that refused them. */
  refused(reason: RefusalReason): number {
    return this.refusals[reason];
  }

  /**
   * The front door's gate. A refused request's body is read and dropped (never parsed or kept)
   * before the answer: a connection closed while the client still sends, as Node closes one
   * whose client asked for that, is reset, and the client sees a broken pipe, not the 503.
   */
  readonly gate: Gate = (request, response) => {
    const refusal = this.admit(request, response);
    if (refusal === undefined || request.complete) return refusal;
    // No more is read than the largest body the service takes (BATCH_BODY_LIMIT): past that the
    // answer goes at once, and the connection is closed after it.
    const limit = this.limits.batchBodyLimit;
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      response.setHeader('connection', 'close');
      return refusal;
    }
    return new Promise((resolve) => {
      let read = 0;
      const answer = () => {
        request.off('data', count);
        resolve(refusal);
      };
      const count = (chunk: Buffer) => {
        read += chunk.length;
        if (read <= limit || response.headersSent) return;
        response.setHeader('connection', 'close');
        answer();
      };
      request.on('data', count);
      finished(request, answer);
    });
  };

  private readonly turns = new TurnQueue();

  /** Admitted requests waiting for their turn of the event loop (TurnQueue). */
  get waiting(): number {
    return this.turns.length;
  }

  /**
   * Starts an admitted request: a probe or scrape at once, any other in its turn of the event
   * loop, a few per turn (TurnQueue), unless its client has gone by then.
   */
  start(request: IncomingMessage, response: ServerResponse, run: () => void): void {
    if (EXEMPT.test(request.url ?? '/')) return run();
    let gone = false;
    response.once('close', () => (gone = true));
    this.turns.enqueue(run, () => gone);
  }

  /** Undefined while requests are admitted; otherwise why not, for readiness. */
  saturation(now = performance.now()): Saturation | undefined {
    const { maxInFlight, maxBatchBytes, maxEventLoopDelayMs = 0 } = this.limits;
    const reason =
      maxInFlight > 0 && this.inFlightNow >= maxInFlight
        ? `${this.inFlightNow} of ${maxInFlight} requests in flight (MAX_IN_FLIGHT)`
        : maxBatchBytes > 0 && this.batchBytesNow >= maxBatchBytes
          ? `${this.batchBytesNow} of ${maxBatchBytes} batch bytes in flight (MAX_BATCH_BYTES_IN_FLIGHT)`
          : maxEventLoopDelayMs > 0 && this.lagMs > maxEventLoopDelayMs
            ? `the event loop is ${Math.round(this.lagMs)} ms behind (MAX_EVENT_LOOP_DELAY_MS)`
            : now - this.lastRefusal < SATURATED_HOLD_MS
              ? `a request was refused ${Math.round(now - this.lastRefusal)} ms ago`
              : undefined;
    if (reason === undefined) return undefined;
    return {
      reason,
      in_flight: this.inFlightNow,
      batch_bytes_in_flight: this.batchBytesNow,
    };
  }

  /** Counts the request until its response closes, or refuses it. */
  admit(request: IncomingMessage, response: ServerResponse): HttpException | undefined {
    const url = request.url ?? '/';
    if (EXEMPT.test(url)) return undefined;
    const { maxInFlight, maxBatchBytes, maxEventLoopDelayMs = 0 } = this.limits;
    const delayMs = maxEventLoopDelayMs > 0 ? this.eventLoopDelayMs : 0;
    if (delayMs > maxEventLoopDelayMs) {
      return this.refuse(
        request,
        response,
        'event_loop',
        `the service is at capacity: its event loop is ${Math.round(delayMs)} ms behind (MAX_EVENT_LOOP_DELAY_MS is ${maxEventLoopDelayMs}); retry after ${ADMISSION_RETRY_AFTER_S} s`,
      );
    }
    if (maxInFlight > 0 && this.inFlightNow >= maxInFlight) {
      return this.refuse(
        request,
        response,
        'in_flight',
        `the service is at capacity: ${maxInFlight} requests in flight (MAX_IN_FLIGHT); retry after ${ADMISSION_RETRY_AFTER_S} s`,
      );
    }
    const bytes =
      request.method === 'POST' && pathOf(url) === BATCH_ROUTE ? this.sizeOf(request) : 0;
    if (
      bytes > 0 &&
      maxBatchBytes > 0 &&
      this.batchBytesNow > 0 &&
      this.batchBytesNow + bytes > maxBatchBytes
    ) {
      return this.refuse(
        request,
        response,
        'batch_bytes',
        `the service is at capacity: batches in flight hold ${this.batchBytesNow} of ${maxBatchBytes} bytes (MAX_BATCH_BYTES_IN_FLIGHT); retry after ${ADMISSION_RETRY_AFTER_S} s`,
      );
    }
    this.inFlightNow++;
    this.batchBytesNow += bytes;
    response.once('close', () => {
      this.inFlightNow--;
      this.batchBytesNow -= bytes;
    });
    return undefined;
  }

  /** A batch's declared length, capped at the most the parser reads; chunked: that most. */
  private sizeOf(request: IncomingMessage): number {
    const limit = this.limits.batchBodyLimit;
    const declared = request.headers['content-length'];
    if (declared === undefined || !/^\d+$/.test(declared)) return limit;
    return Math.min(Number(declared), limit);
  }

  private refuse(
    request: IncomingMessage,
    response: ServerResponse,
    reason: RefusalReason,
    message: string,
  ): ServiceUnavailableException {
    this.refusals[reason]++;
    this.lastRefusal = performance.now();
    response.setHeader('retry-after', ADMISSION_RETRY_AFTER_S);
    // A small request's connection is closed after the answer: a client that retries at once
    // reconnects and waits in the kernel's accept queue, which costs nothing, instead of in the
    // turn's reads. A batch's is kept, so its next try need not send its body over a new one.
    if (closable(request)) response.setHeader('connection', 'close');
    return new ServiceUnavailableException(message);
  }
}

/** A refused request whose connection may be closed: one whose body is small, if it has one. */
function closable(request: IncomingMessage): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return false;
  const declared = request.headers['content-length'];
  return declared === undefined || Number(declared) <= CLOSE_BODY_MAX;
}
