import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DecisionLogError } from './decision-log-error';

/** Where a line of a log kept in several files is: its file and its 1-based number there. */
export interface LogLine {
  readonly file: string;
  readonly line: number;
}

/** `<file> line <n>`: how every message about a line names it. */
export function lineName(at: LogLine): string {
  return `${at.file} line ${at.line}`;
}

/** Operators compress old logs; a file so named is read through gunzip. */
const GZIP_SUFFIX = '.gz';

/** Bytes `start` ≤ b < `end` of a file: a part of a log that starts and ends with whole lines. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export function isGzipped(path: string): boolean {
  return path.endsWith(GZIP_SUFFIX);
}

/** Bytes read from a plain file at a time: a line is decoded from them where it ends. */
const CHUNK_BYTES = 256 * 1024;

/**
 * A file's bytes in chunks, which the reader must not keep past its next pull: a plain file's are
 * read into two buffers in turn (the next chunk read while the reader splits this one), so a log
 * of gigabytes is read without a fresh buffer, and its pages, every 256 KB; a `.gz` file is
 * gunzipped while read.
 */
function bytesOf(path: string, range?: ByteRange): AsyncGenerator<Buffer> | Readable {
  if (!isGzipped(path)) return plainBytes(path, range);
  // pipeline hands a read error of the file on to the gunzip stream, where the reader hears it.
  const file = createReadStream(path, {
    highWaterMark: CHUNK_BYTES,
    // createReadStream's end is inclusive.
    ...(range && { start: range.start, end: range.end - 1 }),
  });
  return pipeline(file, createGunzip(), () => undefined);
}

async function* plainBytes(path: string, range?: ByteRange): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let position = range?.start ?? 0;
  const end = range?.end ?? Number.POSITIVE_INFINITY;
  // One read at a time, each from where the last ended: a short read loses nothing.
  const readInto = async (buffer: Buffer): Promise<number> => {
    const length = Math.min(buffer.length, end - position);
    if (length <= 0) return 0;
    const { bytesRead } = await file.read(buffer, 0, length, position);
    position += bytesRead;
    return bytesRead;
  };
  let turn = 0;
  let next: Promise<number> | undefined = readInto(buffers[turn]);
  try {
    for (;;) {
      const bytes = await next;
      next = undefined;
      if (bytes === 0) return;
      const chunk = buffers[turn].subarray(0, bytes);
      turn ^= 1;
      next = readInto(buffers[turn]);
      yield chunk;
    }
  } finally {
    // A reader that stops early leaves a read in flight: it ends before the file closes.
    await next?.catch(() => undefined);
    await file.close();
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = '\r';

/**
 * Splits the text between two newlines (or after the last) into lines as readline does with
 * `crlfDelay: Infinity`: a carriage return before the newline belongs to it, and any other one
 * ends a line of its own.
 */
function visitSegment(text: string, visit: (text: string) => void): void {
  const body = text.endsWith(CARRIAGE_RETURN) ? text.slice(0, -1) : text;
  if (!body.includes(CARRIAGE_RETURN)) {
    visit(body);
    return;
  }
  for (const part of body.split(CARRIAGE_RETURN)) visit(part);
}

/** zlib's errors have codes such as Z_DATA_ERROR (not gzip) and Z_BUF_ERROR (cut short). */
function isZlibError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** A file that does not gunzip, named with the last line it gave when it gave any. */
function gzipProblem(path: string, lines: number, error: Error): DecisionLogError {
  const where = lines === 0 ? path : `${path} after line ${lines}`;
  return new DecisionLogError(`${where}: not valid gzip: ${error.message}`);
}

/**
 * Calls `visit` with each line of a log and its 1-based number, reading the file as a stream so
 * a log of millions of lines never sits in memory; a `.gz` file is gunzipped on the way, and one
 * that does not gunzip is a DecisionLogError naming it. With `range` (a plain file's), only its
 * lines, numbered from 1. Returns the number of lines.
 */
export async function forEachLine(
  path: string,
  visit: (text: string, line: number) => void,
  range?: ByteRange,
): Promise<number> {
  const input = bytesOf(path, range);
  let line = 0;
  const take = (text: string) => visit(text, ++line);
  // The bytes of a line begun in an earlier chunk: newlines split lines, and no byte of a
  // multi-byte character is a newline, so a line is decoded once it is whole.
  let carried: Buffer[] = [];
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let at = 0;
      for (let newline = chunk.indexOf(NEWLINE); newline >= 0;) {
        const text =
          carried.length === 0
            ? chunk.toString('utf8', at, newline)
            : Buffer.concat([...carried, chunk.subarray(at, newline)]).toString('utf8');
        carried = [];
        visitSegment(text, take);
        at = newline + 1;
        newline = chunk.indexOf(NEWLINE, at);
      }
      // A copy: the chunk's buffer is read into again.
      if (at < chunk.length) carried.push(Buffer.from(chunk.subarray(at)));
    }
    if (carried.length > 0) visitSegment(Buffer.concat(carried).toString('utf8'), take);
  } catch (error) {
    throw isZlibError(error) ? gzipProblem(path, line, error) : error;
  } finally {
    if (input instanceof Readable) input.destroy();
    else await input.return(undefined);
  }
  return line;
}

/**
 * Calls `visit` with each line of a log kept in several files (a platform's rotated files),
 * reading the files in the order given, and where the line is. Returns the number of lines.
 */
export async function forEachLogLine(
  files: readonly string[],
  visit: (text: string, at: LogLine) => void,
): Promise<number> {
  let lines = 0;
  for (const file of files) {
    lines += await forEachLine(file, (text, line) => visit(text, { file, line }));
  }
  return lines;
}
