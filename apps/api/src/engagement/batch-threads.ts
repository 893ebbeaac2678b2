import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { EngineState, LiveEngine } from '@app/engagement';
import type { CalendarDay } from '@app/learner';
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
}

type Outcome = Exclude<FromBatchThread, { kind: 'failed' }>;

interface Thread {
  readonly worker: Worker;
  /** Batches sent and not yet answered, by id, with their item-sized weight. */
  readonly pending: Map<
    number,
    { resolve: (o: Outcome) => void; reject: (e: Error) => void; bytes: number }
  >;
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
 * the batch was sent. A thread that dies fails its pending batches (500) and is replaced on the
 * next batch.
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
      thread.pending.set(id, { resolve, reject, bytes: body.byteLength });
      thread.load += body.byteLength;
      const message: ToBatchThread = {
        kind: 'batch',
        id,
        body,
        today: job.today,
        maxItems: job.maxItems,
        acceptLanguage: job.acceptLanguage,
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
      if (job === undefined) return;
      thread.pending.delete(reply.id);
      thread.load -= job.bytes;
      if (reply.kind === 'failed') job.reject(new Error(`a batch thread failed: ${reply.message}`));
      else job.resolve(reply);
    });
    const fail = (why: string) => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      if (!this.closing)
        this.logger.error(`a batch thread stopped (${why}); it is replaced on the next batch`);
      for (const job of thread.pending.values())
        job.reject(new Error(`a batch thread stopped: ${why}`));
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
