const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * What the splitter hands on, in input order: whole lines to score (views of the chunks read,
 * not copies; every line newline-terminated except a last one at the end of the input), or one
 * line longer than the cap, by its length alone.
 */
export type LinePiece =
  | {
      readonly kind: 'lines';
      readonly parts: readonly Buffer[];
      readonly bytes: number;
      readonly lines: number;
    }
  | { readonly kind: 'too-long'; readonly bytes: number };

/**
 * Cuts a stream of chunks into whole lines in one pass: each byte is looked at once and a line
 * that spans chunks is kept as a list of views, so reading stays linear however long a line is.
 * A line's length leaves out its line ending (LF or CRLF). A line over `maxLineBytes` is not
 * kept: the splitter only counts its bytes until its newline, so memory stays within the cap
 * plus a chunk.
 */
export class LineSplitter {
  /** Whole lines waiting to be handed on. */
  private block: Buffer[] = [];
  private blockBytes = 0;
  private blockLines = 0;
  /** The line not yet ended: its views (none while skipping) and its length so far. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private skipping = false;
  /** The last byte of the previous chunk, for a CR whose LF starts the next one. */
  private lastByte = -1;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): LinePiece[] {
    const pieces: LinePiece[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, end + 1)) {
      // An unfinished line always ends where the previous chunk did.
      const before = end > start ? chunk[end - 1] : this.partialBytes > 0 ? this.lastByte : -1;
      const length = this.partialBytes + end - start - (before === CARRIAGE_RETURN ? 1 : 0);
      if (this.skipping || length > this.maxLineBytes) {
        this.handOn(pieces);
        pieces.push({ kind: 'too-long', bytes: length });
      } else {
        for (const part of this.partial) this.block.push(part);
        this.block.push(chunk.subarray(start, end + 1));
        this.blockBytes += this.partialBytes + end + 1 - start;
        this.blockLines++;
      }
      this.partial = [];
      this.partialBytes = 0;
      this.skipping = false;
      start = end + 1;
    }
    if (start < chunk.length) this.extend(chunk.subarray(start));
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1];
    this.handOn(pieces);
    return pieces;
  }

  /** The last line, when the input does not end with a newline. */
  end(): LinePiece[] {
    const pieces: LinePiece[] = [];
    if (this.skipping || this.partialBytes > 0) {
      const length = this.partialBytes - (this.lastByte === CARRIAGE_RETURN ? 1 : 0);
      if (this.skipping || length > this.maxLineBytes) {
        pieces.push({ kind: 'too-long', bytes: length });
      } else {
        this.block.push(...this.partial);
        this.blockBytes += this.partialBytes;
        this.blockLines++;
        this.handOn(pieces);
      }
    }
    this.partial = [];
    this.partialBytes = 0;
    this.skipping = false;
    return pieces;
  }

  /** Adds bytes to the unfinished line; past the cap (and a CR it may end with) they are dropped. */
  private extend(bytes: Buffer): void {
    this.partialBytes += bytes.length;
    if (this.skipping) return;
    if (this.partialBytes > this.maxLineBytes + 1) {
      this.skipping = true;
      this.partial = [];
    } else {
      this.partial.push(bytes);
    }
  }

  private handOn(pieces: LinePiece[]): void {
    if (this.blockLines === 0) return;
    pieces.push({
      kind: 'lines',
      parts: this.block,
      bytes: this.blockBytes,
      lines: this.blockLines,
    });
    this.block = [];
    this.blockBytes = 0;
    this.blockLines = 0;
  }
}
