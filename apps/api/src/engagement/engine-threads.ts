import { join } from 'node:path';
import { ResourceLimits, Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { EngineState, LiveEngine } from '@app/engagement';
import { SharedSlots } from '@app/contract';
import { EngineThreadData, FromEngineThread, ToEngineThread } from './engine-protocol';

/** The compiled worker script beside this file (`npm run build` makes it). */
export const BUILT_WORKER_SCRIPT = join(__dirname, 'engine.worker.js');

/** The script engine threads run: BUILT_WORKER_SCRIPT; tests that run from sources give its built copy. */
export const ENGINE_WORKER_SCRIPT = Symbol('ENGINE_WORKER_SCRIPT');

/** A request a thread is answering, as the pool keeps it until the thread is done with it. */
export interface PendingWork {
  /** The body's bytes: what the next request is balanced by. */
  readonly bytes: number;
  /**
   * Takes one reply from the thread; true once the request is done with. A chunk in an answer
   * slot is read from `slots`, the thread's, and the slot freed once sent.
   */
  take(reply: FromEngineThread, slots: SharedSlots | undefined): boolean;
  /** The thread stopped before it was done with the request. */
  fail(error: Error): void;
}

/**
 * The requests one thread is answering, each under an id of its own for the thread's replies:
 * the index of a slot, reused once its request is done.
 *
 * Not a Map: V8 gives a long-lived Map's rehashed tables to the old generation, and a table a
 * rehash leaves behind still points at the works it held until the next full collection, so
 * a work done with lived on there, with the promise it settled and the answer in it, and all of
 * it was promoted. Under the bench's load the event loop's thread promoted 5-7% of what it
 * allocated with a Map and 0.9% with this; a slot emptied when its request is done keeps
 * nothing.
 */
export class PendingTable {
  private readonly works: (PendingWork | undefined)[] = [];
  private readonly free: number[] = [];

  /** Keeps `work` and returns its id. */
  add(work: PendingWork): number {
    const id = this.free.pop() ?? this.works.length;
    this.works[id] = work;
    return id;
  }

  /** The work of `id`, if a request has it. */
  get(id: number): PendingWork | undefined {
    return Number.isInteger(id) ? this.works[id] : undefined;
  }

  /** Forgets the work of `id`; its id goes to a later request. */
  delete(id: number): void {
    if (this.get(id) === undefined) return;
    this.works[id] = undefined;
    this.free.push(id);
  }

  /** Every work kept, in the order of their ids, and forgets them all. */
  takeAll(): PendingWork[] {
    const all = this.works.filter((work): work is PendingWork => work !== undefined);
    this.works.length = 0;
    this.free.length = 0;
    return all;
  }
}

interface Thread {
  readonly worker: Worker;
  /** Requests sent and not yet done with. */
  readonly pending: PendingTable;
  /** Bytes of the bodies pending. */
  load: number;
  /** The engine state last sent to this thread. */
  sent: EngineState | undefined;
  /** Shared with the thread for its answers' chunks, if the pool gives threads slots. */
  readonly slots: SharedSlots | undefined;
}

/** How many answer slots each thread of a pool gets, and of what size (see SharedSlots). */
export interface SlotSettings {
  readonly count: number;
  readonly bytes: number;
}

/**
 * A fixed number of worker threads running engine.worker.ts, started on the first request so a
 * service that never gets one never pays for them, or as the service starts (`warm`) for the
 * requests every service gets (single ones). Each request goes to the thread with the
 * fewest bytes still to answer. Before a request, a thread is sent the live engine state if it
 * has not seen it (after a start or a reload): it answers each request with the state current
 * when the request was sent. A thread that dies fails its pending requests and is replaced on
 * the next one. `name` says what the threads answer (`batch`, `request`), in the log.
 */
export class EngineThreads {
  private readonly logger = new Logger(EngineThreads.name);
  private readonly threads: Thread[] = [];
  private closing = false;

  constructor(
    private readonly name: string,
    private readonly size: number,
    private readonly live: LiveEngine,
    private readonly script: string,
    private readonly limits: ResourceLimits,
    private readonly slotSettings?: SlotSettings,
  ) {}

  /**
   * Sends a request (the message of `id`) to the least loaded thread, its body transferred; the
   * thread's replies go to the work `pending` makes.
   */
  send(
    body: Uint8Array,
    message: (id: number, body: Uint8Array) => ToEngineThread,
    pending: PendingWork,
  ): void {
    if (this.closing) throw new Error(`the ${this.name} threads are stopping`);
    this.fill();
    const thread = this.threads.reduce((best, t) => (t.load < best.load ? t : best));
    this.sendState(thread);
    const id = thread.pending.add(pending);
    thread.load += pending.bytes;
    thread.worker.postMessage(message(id, body), [body.buffer as ArrayBuffer]);
  }

  /**
   * Starts the threads now and sends them the engine state, without waiting for them: they load
   * and build it while the service starts, instead of on the first request.
   */
  warm(): void {
    if (this.closing) return;
    this.fill();
    for (const thread of this.threads) this.sendState(thread);
  }

  /** How many of the threads' answer slots are taken (0 for a pool without slots). */
  slotsTaken(): number {
    let taken = 0;
    for (const thread of this.threads) taken += thread.slots?.taken() ?? 0;
    return taken;
  }

  /** Stops every thread; requests still pending fail. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.splice(0).map((thread) => thread.worker.terminate()));
  }

  /** Starts threads up to the pool's size: at first, and in place of one that stopped. */
  private fill(): void {
    while (this.threads.length < this.size) this.threads.push(this.start());
  }

  /** Sends the live engine state to a thread that does not hold it yet. */
  private sendState(thread: Thread): void {
    const state = this.live.state;
    if (thread.sent?.config === state.config && thread.sent?.models === state.models) return;
    const update: ToEngineThread = { kind: 'state', state: this.live.portable };
    thread.worker.postMessage(update);
    thread.sent = state;
  }

  private start(): Thread {
    const settings = this.slotSettings;
    const slots =
      settings === undefined ? undefined : SharedSlots.create(settings.count, settings.bytes);
    const workerData: EngineThreadData = { answerSlots: slots?.data };
    const worker = new Worker(this.script, { resourceLimits: this.limits, workerData });
    const thread: Thread = { worker, pending: new PendingTable(), load: 0, sent: undefined, slots };
    worker.on('message', (reply: FromEngineThread) => {
      const work = thread.pending.get(reply.id);
      if (work === undefined) {
        // Nobody waits for the chunk: its slot is free again at once.
        if (reply.kind === 'slot') slots?.free(reply.slot);
        return;
      }
      if (!work.take(reply, slots)) return;
      thread.pending.delete(reply.id);
      thread.load -= work.bytes;
    });
    const fail = (why: string) => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      if (!this.closing) {
        this.logger.error(
          `a ${this.name} thread stopped (${why}); it is replaced on the next ${this.name}`,
        );
      }
      for (const work of thread.pending.takeAll())
        work.fail(new Error(`a ${this.name} thread stopped: ${why}`));
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
export function ownBuffer(body: Buffer): Uint8Array {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength
    ? new Uint8Array(body.buffer, 0, body.byteLength)
    : new Uint8Array(body);
}
