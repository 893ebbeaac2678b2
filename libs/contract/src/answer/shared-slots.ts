/** What a thread is given of the slots it shares (in its worker data or a message): never copied. */
export interface SharedSlotsData {
  /** `count` slots of `slotBytes` each, one after the other. */
  readonly bytes: SharedArrayBuffer;
  /** One Int32 per slot: FREE or TAKEN. */
  readonly states: SharedArrayBuffer;
  readonly slotBytes: number;
}

const FREE = 0;
const TAKEN = 1;

/**
 * Memory two threads share for the bytes they pass each other (answer chunks, blocks of lines),
 * so that bytes cross without a new ArrayBuffer each time.
 *
 * Each ArrayBuffer an isolate allocates or receives counts toward V8's limit for its old
 * generation, as memory allocated outside the heap since the last full collection: a thread
 * that receives a fresh megabyte every few milliseconds runs a full collection every few dozen,
 * for a heap that frees nothing, and the kernel zeroes every fresh page again. Written into a
 * slot instead, the bytes cost the receiver nothing; it holds the slot until it is done with
 * them (free), then either side may claim it again.
 *
 * A side claims a free slot atomically and posts its number once the bytes are written
 * (postMessage orders the writes before the message); the other frees it with an atomic store.
 * A side that finds no slot free, or bytes larger than a slot, sends them another way (a
 * transferred buffer): slots are a fast path, never a limit.
 */
export class SharedSlots {
  private readonly bytes: Uint8Array;
  private readonly states: Int32Array;

  constructor(readonly data: SharedSlotsData) {
    this.bytes = new Uint8Array(data.bytes);
    this.states = new Int32Array(data.states);
  }

  /** `count` free slots of `slotBytes` each. */
  static create(count: number, slotBytes: number): SharedSlots {
    return new SharedSlots({
      bytes: new SharedArrayBuffer(count * slotBytes),
      states: new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT),
      slotBytes,
    });
  }

  get slotBytes(): number {
    return this.data.slotBytes;
  }

  /** Takes a free slot and gives its number, to be written (memoryOf) then posted; -1 if none. */
  claim(): number {
    for (let slot = 0; slot < this.states.length; slot++) {
      if (Atomics.compareExchange(this.states, slot, FREE, TAKEN) === FREE) return slot;
    }
    return -1;
  }

  /** Copies `chunk` into a free slot and gives its number; -1 if none is free or it is too big. */
  put(chunk: Uint8Array): number {
    if (chunk.byteLength > this.data.slotBytes) return -1;
    const slot = this.claim();
    if (slot >= 0) this.bytes.set(chunk, slot * this.data.slotBytes);
    return slot;
  }

  /** The whole of `slot`, not copied: where its claimer writes. */
  memoryOf(slot: number): Buffer {
    return this.view(slot, this.data.slotBytes);
  }

  /** The first `length` bytes of `slot`, not copied. */
  view(slot: number, length: number): Buffer {
    return Buffer.from(this.data.bytes, slot * this.data.slotBytes, length);
  }

  /** Nothing reads `slot` any more: either side may claim it again. */
  free(slot: number): void {
    Atomics.store(this.states, slot, FREE);
  }

  /** How many slots are claimed and not yet freed. */
  taken(): number {
    let count = 0;
    for (let slot = 0; slot < this.states.length; slot++) {
      if (Atomics.load(this.states, slot) === TAKEN) count++;
    }
    return count;
  }
}
