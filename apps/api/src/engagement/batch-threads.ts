import { Readable } from 'node:stream';
import type { AnalysisView } from '@app/contract';
import { DecisionLogRequest, LiveEngine } from '@app/engagement';
import type { CalendarDay } from '@app/learner';
import type { SharedSlots } from '@app/contract';
import { ANSWER_CHUNK_BYTES, BatchTally } from './batch-answer';
import { FromEngineThread } from './engine-protocol';
import { EngineThreads, ownBuffer, PendingWork, SlotSettings } from './engine-threads';
import type { Refusal } from './refusal';

/**
 * A young generation of 32 MB: a batch makes a few megabytes of short-lived objects,
 * and with room for them fewer survive into the old generation. 96 MB bought no measurable
 * speed over 32 MB (six 5 MB batches, about 0.8 s each either way) and held some 60 MB more
 * per thread after a few batches.
 */
const BATCH_THREAD_HEAP = { maxYoungGenerationSizeMb: 32 };

/**
 * Each batch thread's answer slots (SharedSlots): a chunk each, held until its response has been
 * sent, so a thread holds those of the batch it answers and of the answers still being sent (a
 * 1,000-learner batch is 2 chunks in the full view). A thread that finds none free transfers its
 * chunk instead. Eight megabytes a thread, shared, allocated once. With every chunk transferred
 * (2 MB for 1,000 learners in the full view), the event loop ran a full collection every few
 * batches, three or four a second of 20-50 ms each, for a heap that freed nothing.
 */
const BATCH_ANSWER_SLOTS: SlotSettings = { count: 8, bytes: ANSWER_CHUNK_BYTES };

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
  /**
   * Says the response is done with the body (sent, or closed early): the memory its chunks
   * were read from may be written again. Called once the response closes; later chunks are let
   * go as they come.
   */
  release(): void;
}

export type Outcome =
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'answering'; readonly answer: BatchAnswer };

/**
 * One batch a thread is answering. Its promise settles on the thread's first reply: a refusal,
 * or the first chunk (or the tally of an answer that fit in one), which opens the body; later
 * chunks are pushed to that body as they come, and the tally ends it.
 */
class PendingBatch implements PendingWork {
  private answer: BatchAnswer | undefined;
  /** The answer slots the body's chunks were read from, until released. */
  private readonly taken: number[] = [];
  private slots: SharedSlots | undefined;
  private released = false;
  private settleTally: { resolve: (t: BatchTally) => void; reject: (e: Error) => void } | undefined;

  constructor(
    readonly bytes: number,
    private readonly resolve: (o: Outcome) => void,
    private readonly reject: (e: Error) => void,
    private readonly record: ((text: string, lines: number) => void) | undefined,
  ) {}

  /** Takes one reply from the thread; true once the batch is done with. */
  take(reply: FromEngineThread, slots: SharedSlots | undefined): boolean {
    switch (reply.kind) {
      case 'chunk': {
        const { buffer, byteOffset, byteLength } = reply.chunk;
        this.open().body.push(Buffer.from(buffer, byteOffset, byteLength));
        return false;
      }
      case 'slot':
        // A thread is only given slots by this pool, so a slot reply comes with them.
        this.slots = slots!;
        if (this.released) {
          this.slots.free(reply.slot);
          return false;
        }
        this.taken.push(reply.slot);
        this.open().body.push(this.slots.view(reply.slot, reply.length));
        return false;
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
      case 'analysis':
        this.fail(new Error('a batch thread answered a batch as a single request'));
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
    this.answer = { body: new Readable({ read() {} }), tally, release: () => this.release() };
    this.resolve({ kind: 'answering', answer: this.answer });
    return this.answer;
  }

  private release(): void {
    this.released = true;
    for (const slot of this.taken.splice(0)) this.slots!.free(slot);
  }
}

/**
 * A fixed number of engine threads that answer batches (engine.worker.ts), started on the first
 * batch. A thread that dies fails its pending batches (a 500, or for an answer already being
 * sent, a connection cut off) and is replaced on the next batch.
 */
export class BatchThreads {
  private readonly threads: EngineThreads;

  constructor(size: number, live: LiveEngine, script: string) {
    this.threads = new EngineThreads(
      'batch',
      size,
      live,
      script,
      BATCH_THREAD_HEAP,
      BATCH_ANSWER_SLOTS,
    );
  }

  run(job: BatchJob): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const body = ownBuffer(job.body);
      const pending = new PendingBatch(body.byteLength, resolve, reject, job.decisionLog?.record);
      this.threads.send(
        body,
        (id, bytes) => ({
          kind: 'batch',
          id,
          body: bytes,
          today: job.today,
          maxItems: job.maxItems,
          acceptLanguage: job.acceptLanguage,
          view: job.view,
          decisionLog: job.decisionLog?.keep,
        }),
        pending,
      );
    });
  }

  /** How many answer slots hold a chunk whose response is not done with it. */
  slotsTaken(): number {
    return this.threads.slotsTaken();
  }

  /** Stops every thread; batches still pending fail. */
  close(): Promise<void> {
    return this.threads.close();
  }
}
