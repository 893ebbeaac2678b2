import { LiveEngine } from '@app/engagement';
import { FromEngineThread, ThreadRequest } from './engine-protocol';
import { EngineThreads, ownBuffer, PendingWork } from './engine-threads';
import type { Refusal } from './refusal';

/**
 * A young generation of 4 MB: a request makes some 20 KB of short-lived objects, and the
 * thread's heap counts in the service's RSS. After 60 s at 32 connections the service held 215
 * MB with V8's default, 192 MB with 8 MB and 188 MB with 4 MB, answering as many requests.
 */
const ANALYZE_THREAD_HEAP = { maxYoungGenerationSizeMb: 4 };

/** A request for a thread: what the thread is sent, its body as received (EngineThreads sends it). */
export type AnalyzeJob = Omit<ThreadRequest, 'id' | 'body'> & { readonly body: Buffer };

/** A thread's answer to one request: refused (a 400), or its JSON and what to record of it. */
export type ThreadAnalysis =
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | Omit<Extract<FromEngineThread, { kind: 'analysis' }>, 'id'>;

/** One request a thread is answering: its promise settles on the thread's one reply. */
class PendingAnalysis implements PendingWork {
  constructor(
    readonly bytes: number,
    private readonly resolve: (answer: ThreadAnalysis) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  take(reply: FromEngineThread): boolean {
    switch (reply.kind) {
      case 'analysis':
      case 'refused':
        this.resolve(reply);
        return true;
      case 'failed':
        this.fail(new Error(`a request thread failed: ${reply.message}`));
        return true;
      default:
        this.fail(new Error(`a request thread answered a single request with a ${reply.kind}`));
        return true;
    }
  }

  fail(error: Error): void {
    this.reject(error);
  }
}

/**
 * A fixed number of engine threads that parse, validate, answer and serialize single requests
 * (engine.worker.ts), started as the service starts (warm), so the event loop only moves bytes.
 * A thread that dies fails its pending requests (a 500 each) and is replaced on the next request.
 */
export class AnalyzeThreads {
  private readonly threads: EngineThreads;

  constructor(size: number, live: LiveEngine, script: string) {
    this.threads = new EngineThreads('request', size, live, script, ANALYZE_THREAD_HEAP);
  }

  answer(job: AnalyzeJob): Promise<ThreadAnalysis> {
    return new Promise<ThreadAnalysis>((resolve, reject) => {
      const body = ownBuffer(job.body);
      this.threads.send(
        body,
        (id, bytes) => ({ ...job, kind: 'analyze', id, body: bytes }),
        new PendingAnalysis(body.byteLength, resolve, reject),
      );
    });
  }

  /** Starts the threads, with the engine state, before the first request (see EngineThreads). */
  warm(): void {
    this.threads.warm();
  }

  /** Stops every thread; requests still pending fail. */
  close(): Promise<void> {
    return this.threads.close();
  }
}
