import type { LineChunk, SlabPool } from './line-queue';

/** The control words: where the writer writes next and where the reader reads next. */
const HEAD = 0;
const TAIL = 1;
const CONTROL_WORDS = 2;
/** A record's header: its text's bytes (or WRAP) and its lines, an int32 each. */
const HEADER_BYTES = 8;
/** In place of a record's bytes: the records go on at the start of the ring. */
const WRAP = -1;
/** The most bytes of UTF-8 a UTF-16 code unit takes. */
const MAX_BYTES_PER_UNIT = 3;

/** Records start on 4-byte boundaries, so their headers are read as int32s. */
const aligned = (bytes: number) => (bytes + 3) & ~3;

/** The ring's shared memory, as the event loop hands it to the log's thread. */
export interface LineRingMemory {
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

/**
 * A ring of line records in shared memory, from one writer (the event loop) to one reader (the
 * log's thread): the writer encodes each piece of lines straight into it, and the reader copies
 * out what was written each time it looks. A piece sent as a message instead cost the event loop a
 * structured clone and held the lines as a string until then, and woke the thread once per
 * piece, which then allocated a buffer for it (see ThreadedHttpSink).
 *
 * Each side keeps its own position and publishes it with an atomic store after the bytes it
 * covers are written or read, so the other side sees only whole records. The writer never lets
 * its position catch up with the reader's from behind: equal positions mean an empty ring.
 */
export class LineRing {
  private readonly control: Int32Array;
  private readonly words: Int32Array;
  private readonly bytes: Buffer;
  /** This side's own position (the writer's head or the reader's tail). */
  private position: number;

  constructor(readonly memory: LineRingMemory) {
    this.control = new Int32Array(memory.control);
    this.words = new Int32Array(memory.data);
    this.bytes = Buffer.from(memory.data);
    this.position = 0;
  }

  /** A ring of `bytes` (rounded down to a multiple of 4). */
  static create(bytes: number): LineRing {
    return new LineRing({
      control: new SharedArrayBuffer(CONTROL_WORDS * 4),
      data: new SharedArrayBuffer(bytes & ~3),
    });
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Bytes written and not yet read, headers included (either side may ask). */
  get used(): number {
    const head = Atomics.load(this.control, HEAD);
    const tail = Atomics.load(this.control, TAIL);
    return head >= tail ? head - tail : this.size - tail + head;
  }

  /**
   * The writer's side: puts `lines` lines of `text` in the ring; false, with nothing written, when
   * the room left cannot hold them. Their UTF-8 is first counted at its longest, three bytes a
   * unit, and counted exactly only when that does not fit.
   */
  write(text: string, lines: number): boolean {
    let start = this.startFor(HEADER_BYTES + aligned(text.length * MAX_BYTES_PER_UNIT));
    if (start < 0) start = this.startFor(HEADER_BYTES + aligned(Buffer.byteLength(text)));
    if (start < 0) return false;
    if (start !== this.position && this.size - this.position >= HEADER_BYTES) {
      this.words[this.position >> 2] = WRAP;
    }
    const written = this.bytes.write(text, start + HEADER_BYTES);
    this.words[start >> 2] = written;
    this.words[(start >> 2) + 1] = lines;
    this.position = start + HEADER_BYTES + aligned(written);
    Atomics.store(this.control, HEAD, this.position);
    return true;
  }

  /**
   * Where a record of `bytes` goes: at the writer's position, or at the front once the reader has
   * left room there; -1 if neither has room.
   */
  private startFor(bytes: number): number {
    const tail = Atomics.load(this.control, TAIL);
    const head = this.position;
    if (head < tail) return tail - head > bytes ? head : -1;
    if (this.size - head >= bytes) return head;
    return tail > bytes ? 0 : -1;
  }

  /**
   * The reader's side: the lines written since the last take, copied out (into room cut from
   * `pool`, if given); undefined if none.
   */
  take(pool?: SlabPool): LineChunk | undefined {
    const head = Atomics.load(this.control, HEAD);
    let tail = this.position;
    if (tail === head) return undefined;
    const starts: number[] = [];
    const lengths: number[] = [];
    let bytes = 0;
    let lines = 0;
    while (tail !== head) {
      if (this.size - tail < HEADER_BYTES || this.words[tail >> 2] === WRAP) {
        tail = 0;
        continue;
      }
      const length = this.words[tail >> 2];
      lines += this.words[(tail >> 2) + 1];
      starts.push(tail + HEADER_BYTES);
      lengths.push(length);
      bytes += length;
      tail += HEADER_BYTES + aligned(length);
    }
    const { data, release } = pool?.cut(bytes) ?? { data: Buffer.allocUnsafe(bytes) };
    let at = 0;
    for (let i = 0; i < starts.length; i++) {
      at += this.bytes.copy(data, at, starts[i], starts[i] + lengths[i]);
    }
    this.position = tail;
    Atomics.store(this.control, TAIL, tail);
    return { data, lines, bytes, release };
  }
}
