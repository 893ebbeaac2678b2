import type { HttpSinkOptions } from './http-sink';
import type { LineRingMemory } from './line-ring';

/**
 * What the log thread is started with: the sink's options (the URL as text), its counters, the
 * ring the lines come through and the count of pieces sent as messages that it has not yet taken.
 */
export interface SinkThreadData {
  readonly options: Omit<HttpSinkOptions, 'url'> & { readonly url: string };
  /** SharedCounters' memory: the thread writes it, the event loop reads it. */
  readonly counters: SharedArrayBuffer;
  /** The LineRing the event loop writes; none when every piece comes as a message. */
  readonly ring?: LineRingMemory;
  /** One int32: pieces sent as messages and not yet taken (the event loop adds, the thread subtracts). */
  readonly messagesInFlight: SharedArrayBuffer;
}

/**
 * From the event loop to the log thread: a piece of lines that the ring could not take (too big
 * for the room left, or sent while earlier such pieces are on their way, to keep the order), or
 * the close.
 */
export type ToSinkThread =
  | { readonly kind: 'lines'; readonly text: string; readonly lines: number }
  | { readonly kind: 'close'; readonly deadline: number };

/**
 * From the log thread to the event loop: its sink's log messages, its health when it changes
 * (whether degraded and the last error, in one message, so /health never shows the one without
 * the other), its close.
 */
export type FromSinkThread =
  | { readonly kind: 'log'; readonly level: 'log' | 'warn' | 'error'; readonly message: string }
  | { readonly kind: 'health'; readonly degraded: boolean; readonly lastError: string | null }
  | { readonly kind: 'closed' };

/** The fields of the decision log's tally that the log thread counts. */
export const THREAD_TALLY_FIELDS = [
  'written',
  'writtenBytes',
  'batches',
  'retries',
  'dropped',
] as const;

/** The counters the log thread keeps in shared memory, in this order. */
export const COUNTER_FIELDS = [...THREAD_TALLY_FIELDS, 'bufferedBytes'] as const;
type Field = (typeof COUNTER_FIELDS)[number];

/**
 * The log thread's tally and buffer fill as numbers in shared memory: one writer (the
 * thread), any number of readers, and no message per change, so /metrics reads them as they are
 * now. Each is a float64, exact for counts up to 2^53.
 */
export class SharedCounters {
  private readonly values: Float64Array;

  constructor(readonly memory = new SharedArrayBuffer(COUNTER_FIELDS.length * 8)) {
    this.values = new Float64Array(memory);
  }

  get(field: Field): number {
    return this.values[COUNTER_FIELDS.indexOf(field)];
  }

  set(field: Field, value: number): void {
    this.values[COUNTER_FIELDS.indexOf(field)] = value;
  }
}
