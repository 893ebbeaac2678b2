/** What a batch thread is given of its slots (in its worker data): shared, never copied. */
export interface AnswerSlotsData {
  /** `count` slots of `slotBytes` each, one after the other. */
  readonly bytes: SharedArrayBuffer;
  /** One Int32 per slot: FREE or TAKEN. */
  readonly states: SharedArrayBuffer;
  readonly slotBytes: number;
}

const FREE = 0;
const TAKEN = 1;

/**
 * Memory a batch thread and the event loop share for the chunks of batch answers, so that a
 * chunk reaches the event loop without a new ArrayBuffer.
 *
 * Each ArrayBuffer the event loop receives counts toward V8's limit for its old generation, as
 * memory allocated outside the heap since the last full collection: with answer chunks
 * transferred (2 MB for 1,000 learners in the full view), the event loop ran a full collection
 * every few batches, three or four a second of 20-50 ms each, for a heap that freed nothing.
 * Written into a slot instead, a chunk costs the event loop nothing to receive; it holds the
 * slot until the response has sent it (release), then the thread may write the slot again.
 *
 * The thread claims a free slot atomically and posts its number once the chunk is written
 * (postMessage orders the writes before the message); the event loop frees it with an atomic
 * store. A thread that finds no slot free, or a chunk larger than a slot, transfers the chunk
 * as before: slots are a fast path, never a limit.
 */
export class AnswerSlots {
  private readonly bytes: Uint8Array;
  private readonly states: Int32Array;

  constructor(readonly data: AnswerSlotsData) {
    this.bytes = new Uint8Array(data.bytes);
    this.states = new Int32Array(data.states);
  }

  /** `count` free slots of `slotBytes` each. */
  static create(count: number, slotBytes: number): AnswerSlots {
    return new AnswerSlots({
      bytes: new SharedArrayBuffer(count * slotBytes),
      states: new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT),
      slotBytes,
    });
  }

  /** The thread's side: copies `chunk` into a free slot and gives its number; -1 if none fits. */
  put(chunk: Uint8Array): number {
    if (chunk.byteLength > this.data.slotBytes) return -1;
    for (let slot = 0; slot < this.states.length; slot++) {
      if (Atomics.compareExchange(this.states, slot, FREE, TAKEN) !== FREE) continue;
      this.bytes.set(chunk, slot * this.data.slotBytes);
      return slot;
    }
    return -1;
  }

  /** The event loop's side: the first `length` bytes of `slot`, not copied. */
  view(slot: number, length: number): Buffer {
    return Buffer.from(this.data.bytes, slot * this.data.slotBytes, length);
  }

  /** The event loop's side: nothing reads `slot` any more; the thread may write it again. */
  free(slot: number): void {
    Atomics.store(this.states, slot, FREE);
  }

  /** How many slots hold a chunk not yet freed. */
  taken(): number {
    let count = 0;
    for (let slot = 0; slot < this.states.length; slot++) {
      if (Atomics.load(this.states, slot) === TAKEN) count++;
    }
    return count;
  }
}
