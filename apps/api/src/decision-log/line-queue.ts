/**
 * Lines waiting to be written, as they were handed on (a piece of gathered lines, or a batch
 * thread's piece), encoded once. Held as bytes rather than strings: joining a megabyte of line
 * strings into one took about 5 ms on a 2-core VM, and zlib and the file stream take bytes as
 * they are.
 */
export interface LineChunk {
  readonly data: Buffer;
  readonly lines: number;
  readonly bytes: number;
  /** Called once the bytes are no longer needed (gzipped or dropped): their memory is reused. */
  readonly release?: () => void;
}

export function lineChunk(text: string, lines: number): LineChunk {
  const data = Buffer.from(text);
  return { data, lines, bytes: data.length };
}

/**
 * Chunks taken together, their bytes left where they are: concatenating a megabyte batch took
 * a fifth of the log thread's CPU, and gzip reads the parts one after the other as well.
 */
export interface LineBatch {
  readonly parts: readonly Buffer[];
  readonly lines: number;
  readonly bytes: number;
  /** Releases the chunks of the batch (LineChunk.release), once its parts are no longer read. */
  readonly release: () => void;
}

function releaseAll(chunks: readonly LineChunk[]): void {
  for (const chunk of chunks) chunk.release?.();
}

/**
 * A first-in, first-out queue of line chunks bounded in bytes: what does not fit pushes out the
 * oldest chunks, and the lines pushed out are returned for the caller to count as dropped.
 */
export class LineQueue {
  private chunks: LineChunk[] = [];
  private head = 0;
  private queuedBytes = 0;
  private queuedLines = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.queuedBytes;
  }

  get lines(): number {
    return this.queuedLines;
  }

  /**
   * Adds a chunk; returns the lines dropped to make room (the chunk itself when it is too big),
   * whose chunks are released.
   */
  push(chunk: LineChunk): number {
    if (chunk.bytes > this.maxBytes) {
      chunk.release?.();
      return chunk.lines;
    }
    let dropped = 0;
    while (this.queuedBytes + chunk.bytes > this.maxBytes) {
      const oldest = this.shift();
      oldest.release?.();
      dropped += oldest.lines;
    }
    this.chunks.push(chunk);
    this.queuedBytes += chunk.bytes;
    this.queuedLines += chunk.lines;
    return dropped;
  }

  /**
   * Takes the oldest chunks up to `maxBytes` together (at least one chunk, however large), or
   * undefined when the queue is empty. The taker releases the batch.
   */
  take(maxBytes: number): LineBatch | undefined {
    if (this.head === this.chunks.length) return undefined;
    const taken = [this.shift()];
    const parts = [taken[0].data];
    let { bytes, lines } = taken[0];
    while (this.head < this.chunks.length && bytes + this.chunks[this.head].bytes <= maxBytes) {
      const next = this.shift();
      taken.push(next);
      parts.push(next.data);
      bytes += next.bytes;
      lines += next.lines;
    }
    return { parts, lines, bytes, release: () => releaseAll(taken) };
  }

  /** Empties the queue, releasing its chunks; returns the lines it held. */
  clear(): number {
    const lines = this.queuedLines;
    releaseAll(this.chunks.slice(this.head));
    this.chunks = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.queuedLines = 0;
    return lines;
  }

  private shift(): LineChunk {
    const chunk = this.chunks[this.head++];
    this.queuedBytes -= chunk.bytes;
    this.queuedLines -= chunk.lines;
    // Compacted now and then, so a long-lived queue does not keep a growing dead prefix.
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return chunk;
  }
}

/** A slab of SlabPool: the bytes cut from it so far, and how many of the cuts are still held. */
interface Slab {
  readonly memory: Buffer;
  used: number;
  held: number;
}

/** The bytes of a slab. */
export const SLAB_BYTES = 1024 * 1024;
/** The most free slabs kept for reuse; more are left to the garbage collector. */
const FREE_SLABS = 8;

/**
 * Memory for line chunks, cut from slabs that are reused once every chunk cut from them is
 * released. A buffer allocated for each chunk came in fresh pages from the system each time
 * (0.44 page faults a line of 1.7 KB), and a page fault cost 14 µs on a 2-core VM: 6 µs a line,
 * about half of what the log's thread spent on it.
 */
export class SlabPool {
  private current: Slab | undefined;
  private readonly free: Slab[] = [];

  /** Room for `bytes` bytes, with the release to call when they are no longer needed. */
  cut(bytes: number): { readonly data: Buffer; readonly release: () => void } {
    if (bytes > SLAB_BYTES) return { data: Buffer.allocUnsafeSlow(bytes), release: () => {} };
    let slab = this.current;
    if (slab === undefined || slab.memory.length - slab.used < bytes) {
      if (slab !== undefined) this.retire(slab);
      slab = this.free.pop() ?? { memory: Buffer.allocUnsafeSlow(SLAB_BYTES), used: 0, held: 0 };
      slab.used = 0;
      this.current = slab;
    }
    const data = slab.memory.subarray(slab.used, slab.used + bytes);
    slab.used += bytes;
    slab.held++;
    let released = false;
    const cutFrom = slab;
    return {
      data,
      release: () => {
        if (released) return;
        released = true;
        cutFrom.held--;
        if (cutFrom.held === 0 && cutFrom !== this.current) this.retire(cutFrom);
      },
    };
  }

  /** A slab no longer cut from: reused once nothing cut from it is held. */
  private retire(slab: Slab): void {
    if (slab === this.current) this.current = undefined;
    if (slab.held === 0 && this.free.length < FREE_SLABS) this.free.push(slab);
  }
}
