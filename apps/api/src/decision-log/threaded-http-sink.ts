import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoggerService } from '@nestjs/common';
import { DecisionLogTally, DecisionSink, SinkHealth } from './decision-sink';
import { displayUrl, HttpSinkOptions } from './http-sink';
import { LineRing } from './line-ring';
import {
  FromSinkThread,
  SharedCounters,
  SinkThreadData,
  THREAD_TALLY_FIELDS,
  ToSinkThread,
} from './sink-thread-protocol';

/** The compiled script of the log thread, beside this file (`npm run build` makes it). */
export const SINK_THREAD_SCRIPT = join(__dirname, 'http-sink.worker.js');

/** After the deadline, the thread is given this long to say it closed before it is stopped. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The ring's size, or DECISION_LOG_BUFFER_BYTES if that is less: the thread empties it every
 * RING_POLL_MS (http-sink.worker), so it holds 0.15 s of lines at 3,500 decisions a second of
 * 1.7 KB, for the times the thread is late (its garbage collection, a busy core); past that the
 * lines go as messages. Writing a line cost 1.0 µs in a 4 MB ring and 0.76 in one of 1 MB, which
 * stays closer to the cache (a 2-core VM).
 */
export const RING_BYTES = 1024 * 1024;

/**
 * The collector's sink as the event loop sees it: the lines go to a thread of their own
 * (http-sink.worker), which holds, gzips and posts them with HttpDecisionSink. On the event
 * loop, the same sink made the answers' tail four times longer than without the log: its
 * buffers lived long enough to reach the old generation and brought a mark-compact every 2 s
 * instead of every 3 to 5, each with 30 to 40 ms of marking steps in which answers queued (1,000
 * requests a second offered, one worker, a 2-core VM: p99 15-25 ms with the log on the event
 * loop and 4-6 ms without the log; with the log on its thread 5-10 ms, against 4-11 ms in runs
 * without it alternating with those).
 *
 * Each line is encoded straight into a ring in shared memory (LineRing), which the thread empties
 * every few milliseconds. Handing it gathered pieces as messages instead cost 17 µs of the
 * thread's CPU a line at 3,500 lines a second (a 2-core VM): a wake-up per piece, and a buffer
 * for each, whose fresh pages cost 14 µs a page fault. What the ring cannot take (a batch
 * thread's piece larger than its room) goes as a message; until the thread has taken it, the
 * pieces after it go the same way, so the lines keep their order. The thread's counters are read
 * from shared memory.
 */
export class ThreadedHttpSink implements DecisionSink {
  /** Each line is written as it is made: the ring takes them without a message or a wake-up. */
  readonly eachLine = true;
  private readonly thread: Worker;
  private readonly counters = new SharedCounters();
  private readonly ring: LineRing | undefined;
  /** Pieces sent as messages that the thread has not taken yet (one int32, shared). */
  private readonly messagesInFlight = new Int32Array(new SharedArrayBuffer(4));
  private readonly target: string;
  /** The thread's health as it last told it. */
  private degraded = false;
  private lastError: string | null = null;
  /** Lines handed to the thread; what the thread has not counted when it stops is lost. */
  private handed = 0;
  /** Why the thread stopped before it was closed; lines are then dropped on arrival. */
  private stopped: string | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    options: HttpSinkOptions,
    private readonly tally: DecisionLogTally,
    private readonly logger: LoggerService,
    script: string = SINK_THREAD_SCRIPT,
    ringBytes: number = Math.min(RING_BYTES, options.bufferBytes),
  ) {
    this.target = displayUrl(options.url);
    this.ring = ringBytes > 0 ? LineRing.create(ringBytes) : undefined;
    const data: SinkThreadData = {
      options: { ...options, url: options.url.href },
      counters: this.counters.memory,
      ring: this.ring?.memory,
      messagesInFlight: this.messagesInFlight.buffer,
    };
    this.thread = new Worker(script, { workerData: data });
    // The thread never keeps the process up: close() is what flushes it.
    this.thread.unref();
    this.thread.on('message', (message: FromSinkThread) => this.heard(message));
    this.thread.on('error', (error) => this.stop(`the log thread failed: ${error.message}`));
    this.thread.on('exit', (code) => this.stop(`the log thread exited with code ${code}`));
  }

  get bufferedBytes(): number {
    if (this.stopped !== undefined) return 0;
    return this.counters.get('bufferedBytes') + (this.ring?.used ?? 0);
  }

  write(text: string, lines: number): void {
    if (this.stopped !== undefined || this.closed !== undefined) {
      this.tally.dropped += lines;
      return;
    }
    this.handed += lines;
    if (Atomics.load(this.messagesInFlight, 0) === 0 && this.ring?.write(text, lines)) return;
    Atomics.add(this.messagesInFlight, 0, 1);
    this.thread.postMessage({ kind: 'lines', text, lines } satisfies ToSinkThread);
  }

  health(): SinkHealth {
    return {
      target: this.target,
      degraded: this.stopped !== undefined || this.degraded,
      buffered_bytes: this.bufferedBytes,
      last_error: this.stopped ?? this.lastError,
    };
  }

  /** The event loop's tally with the thread's counts added. */
  tallied(own: DecisionLogTally): DecisionLogTally {
    const sum = Object.assign(new DecisionLogTally(), own);
    for (const field of THREAD_TALLY_FIELDS) sum[field] += this.counters.get(field);
    return sum;
  }

  /** Asks the thread to deliver what it holds until `deadline`, then stops it. */
  close(deadline: number): Promise<void> {
    this.closed ??= this.closeThread(deadline);
    return this.closed;
  }

  private async closeThread(deadline: number): Promise<void> {
    if (this.stopped !== undefined) return;
    const said = new Promise<void>((resolve) => {
      this.thread.on('message', (message: FromSinkThread) => {
        if (message.kind === 'closed') resolve();
      });
      this.thread.once('exit', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()) + CLOSE_GRACE_MS);
    });
    this.thread.postMessage({ kind: 'close', deadline } satisfies ToSinkThread);
    await Promise.race([said, late]);
    clearTimeout(timer);
    this.settle('the shutdown deadline came first');
    this.stopped ??= 'the log is closed';
    await this.thread.terminate();
  }

  private heard(message: FromSinkThread): void {
    switch (message.kind) {
      case 'log':
        this.logger[message.level](message.message);
        return;
      case 'health':
        this.degraded = message.degraded;
        this.lastError = message.lastError;
        return;
      case 'closed':
        return;
    }
  }

  /** The thread stopped on its own: what it held is lost and counted, and so are later lines. */
  private stop(why: string): void {
    if (this.stopped !== undefined) return;
    this.settle(why);
    this.stopped = why;
    if (this.closed === undefined) this.logger.error(`decision log: ${why}; new lines are dropped`);
  }

  /** Counts as dropped the lines handed to the thread that it neither delivered nor dropped. */
  private settle(why: string): void {
    const lost = this.handed - this.counters.get('written') - this.counters.get('dropped');
    this.handed = this.counters.get('written') + this.counters.get('dropped');
    if (lost <= 0) return;
    this.tally.dropped += lost;
    this.logger.warn(`decision log: ${lost} lines lost: ${why}`);
  }
}
