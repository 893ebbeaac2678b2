import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import type { AnalysisView } from '@app/contract';
import { DecisionLogRequest, EngineState, LiveEngine } from '@app/engagement';
import type { CalendarDay } from '@app/learner';
import type { BatchRefusal, BatchTally } from './batch-answer';
import { FromBatchThread, ToBatchThread } from './batch-protocol';

/** The compiled worker script beside this file (`npm run build` makes it). */
export const BUILT_WORKER_SCRIPT = join(__dirname, 'batch.worker.js');

/** The script batch threads run: BUILT_WORKER_SCRIPT; tests that run from sources give its built copy. */
export const BATCH_WORKER_SCRIPT = Symbol('BATCH_WORKER_SCRIPT');

/**
 * A young generation of 32 MB: a batch makes a few megabytes of short-lived objects,
 * and with room for them fewer survive into the old generation. 96 MB bought no measurable
 * speed over 32 MB (six 5 MB batches, about 0.8 s each either way) and held some 60 MB more
 * per thread after a few batches.
 */
const BATCH_THREAD_HEAP = { maxYoungGenerationSizeMb: 32 };

export interface BatchJob {
  readonly body: Buffer;
  readonly today: CalendarDay;
  readonly maxItems: number;
  readonly acceptLanguage: string | undefined;
  readonly view: AnalysisView;
  /** With the decision log on: how much of each request a line keeps, and where lines go. */
  readonly decisionLog?: {
    readonly keep: DecisionLogRequest;
    readonly record: (text: string, lines: number) => void;
  };
}

/** A batch being answered: its body as it comes from the thread, then what it tallied. */
export interface BatchAnswer {
  readonly body: Readable;
  /** Settles when the thread is done: rejected, and the body destroyed, if it fails midway. */
  readonly tally: Promise<BatchTally>;
}

export type Outcome =
  | { readonly kind: 'refused'; readonly refusal: BatchRefusal }
  | { readonly kind: 'answering'; readonly answer: BatchAnswer };

/**
 * One batch a thread is answering. Its promise settles on the thread's first reply: a refusal,
 * or the first chunk (or the tally of an answer that fit in one), which opens the body; later
 * chunks are pushed to that body as they come, and the tally ends it.
 */
class PendingBatch {
  private answer: BatchAnswer | undefined;
  private settleTally: { resolve: (t: BatchTally) => void; reject: (e: Error) => void } | undefined;

  constructor(
    readonly bytes: number,
    private readonly resolve: (o: Outcome) => void,
    private readonly reject: (e: Error) => void,
    private readonly record: ((text: string, lines: number) => void) | undefined,
  ) {}

  /** Takes one reply from the thread; true once the batch is done with. */
  take(reply: FromBatchThread): boolean {
    switch (reply.kind) {
      case 'chunk': {
        const { buffer, byteOffset, byteLength } = reply.chunk;
        this.open().body.push(Buffer.from(buffer, byteOffset, byteLength));
        return false;
      }
      case 'decisions':
        this.record?.(reply.text, reply.lines);
        return false;
      case 'answered':
        this.open();
        this.settleTally!.resolve(reply.tally);
        this.answer!.body.push(null);
        return true;
      case 'refused':
        this.resolve({ kind: 'refused', refusal: reply.refusal });
        return true;
      case 'failed':
        this.fail(new Error(`a batch thread failed: ${reply.message}`));
        return true;
    }
  }

  /** Before any chunk, the batch fails (a 500); after some, its body is cut off. */
  fail(error: Error): void {
    if (this.answer === undefined) return this.reject(error);
    this.settleTally!.reject(error);
    this.answer.body.destroy(error);
  }

  private open(): BatchAnswer {
    if (this.answer !== undefined) return this.answer;
    const tally = new Promise<BatchTally>(
      (resolve, reject) => (this.settleTally = { resolve, reject }),
    );
    // Whoever reads the tally handles its failure; the body's error is what the client sees.
    tally.catch(() => undefined);
    this.answer = { body: new Readable({ read() {} }), tally };
    this.resolve({ kind: 'answering', answer: this.answer });
    return this.answer;
  }
}

interface Thread {
  readonly worker: Worker;
  /** Batches sent and not yet done with, by id. */
  readonly pending: Map<number, PendingBatch>;
  /** Bytes of the bodies pending: what the next batch is balanced by. */
  load: number;
  /** The engine state last sent to this thread. */
  sent: EngineState | undefined;
}

/**
 * A fixed number of worker threads that answer batches (batch.worker.ts), started on the first
 * batch so a service that never gets one never pays for them. Each batch goes to the thread with
 * the fewest bytes still to answer. Before a batch, a thread is sent the live engine state if it
 * has not seen it (after a start or a reload): it answers each batch with the state current when
 * the batch was sent. A thread that dies fails its pending batches (a 500, or for an answer
 * already being sent, a connection cut off) and is replaced on the next batch.
 */
export class BatchThreads {
  private readonly logger = new Logger(BatchThreads.name);
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly size: number,
    private readonly live: LiveEngine,
    private readonly script: string,
  ) {}

  run(job: BatchJob): Promise<Outcome> {
    if (this.closing) return Promise.reject(new Error('the batch threads are stopping'));
    while (this.threads.length < this.size) this.threads.push(this.start());
    const thread = this.threads.reduce((best, t) => (t.load < best.load ? t : best));
    const state = this.live.state;
    if (thread.sent?.config !== state.config || thread.sent?.models !== state.models) {
      const update: ToBatchThread = { kind: 'state', state: this.live.portable };
      thread.worker.postMessage(update);
      thread.sent = state;
    }
    const id = this.nextId++;
    const body = ownBuffer(job.body);
    return new Promise<Outcome>((resolve, reject) => {
      const pending = new PendingBatch(body.byteLength, resolve, reject, job.decisionLog?.record);
      thread.pending.set(id, pending);
      thread.load += body.byteLength;
      const message: ToBatchThread = {
        kind: 'batch',
        id,
        body,
        today: job.today,
        maxItems: job.maxItems,
        acceptLanguage: job.acceptLanguage,
        view: job.view,
        decisionLog: job.decisionLog?.keep,
      };
      thread.worker.postMessage(message, [body.buffer as ArrayBuffer]);
    });
  }

  /** Stops every thread; batches still pending fail. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.splice(0).map((thread) => thread.worker.terminate()));
  }

  private start(): Thread {
    const worker = new Worker(this.script, { resourceLimits: BATCH_THREAD_HEAP });
    const thread: Thread = { worker, pending: new Map(), load: 0, sent: undefined };
    worker.on('message', (reply: FromBatchThread) => {
      const job = thread.pending.get(reply.id);
      if (job === undefined || !job.take(reply)) return;
      thread.pending.delete(reply.id);
      thread.load -= job.bytes;
    });
    const fail = (why: string) => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      if (!this.closing)
        this.logger.error(`a batch thread stopped (${why}); it is replaced on the next batch`);
      for (const job of thread.pending.values())
        job.fail(new Error(`a batch thread stopped: ${why}`));
      thread.pending.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    return thread;
  }
}

/**
 * The body with an ArrayBuffer of its own, so it can be transferred rather than copied: a body
 * read in one piece has one already; a small one may sit in Node's shared pool and is copied.
 */
function ownBuffer(body: Buffer): Uint8Array {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength
    ? new Uint8Array(body.buffer, 0, body.byteLength)
    : new Uint8Array(body);
}
