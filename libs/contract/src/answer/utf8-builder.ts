/** A builder's buffer before its first append, and after each take. */
const EMPTY = Buffer.alloc(0);

/**
 * UTF-8 bytes built from many strings, each written straight into a buffer this builder owns.
 *
 * Answers are written many at a time (a batch's chunk, a block of `score`'s lines). Joining
 * them into one string first and encoding that costs far more than the encoding: many answers
 * carry a character beyond Latin-1 (a dash, a Hindi title), which makes the joined string
 * two-byte, and flattening thousands of pieces into it took 10 ms per 2,000 compact answers on
 * a 2-core VM, against 1 to 2 ms to write each answer's own flat string into the bytes.
 */
export class Utf8Builder {
  private buffer = EMPTY;
  private length = 0;

  /** `capacity`: the bytes the first buffer holds, and after a take, the next one. */
  constructor(private capacity = 1 << 16) {}

  get byteLength(): number {
    return this.length;
  }

  append(text: string): void {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8 (a surrogate pair, 4 for 2); only
    // when that bound does not fit are the bytes counted, so the buffer grows only if they need it.
    if (this.length + 3 * text.length > this.buffer.length) {
      const needed = this.length + Buffer.byteLength(text, 'utf8');
      if (needed > this.buffer.length) this.grow(needed);
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** One ASCII character (a separator, a newline) as its byte: no string is encoded for it. */
  appendAscii(code: number): void {
    if (this.length + 1 > this.buffer.length) this.grow(this.length + 1);
    this.buffer[this.length++] = code;
  }

  /**
   * The bytes so far, not copied: valid until the next append or clear. A plain Uint8Array, not
   * a Buffer, whose `slice` would not copy either.
   */
  view(): Uint8Array {
    return new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.length);
  }

  /** Starts again, empty, keeping the buffer for the next bytes (see view). */
  clear(): void {
    this.length = 0;
  }

  /**
   * The bytes so far, in an ArrayBuffer no other bytes share (safe to transfer to another
   * thread); the builder starts again, empty.
   */
  take(): Uint8Array<ArrayBuffer> {
    if (this.length === 0) return new Uint8Array(0);
    const bytes = this.buffer.subarray(0, this.length);
    // The next buffer is allocated when it is written to: a last take leaves none behind.
    this.capacity = Math.max(this.capacity, this.length);
    this.buffer = EMPTY;
    this.length = 0;
    return bytes;
  }

  private grow(needed: number): void {
    let capacity = Math.max(this.capacity, this.buffer.length * 2, 64);
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafeSlow(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
