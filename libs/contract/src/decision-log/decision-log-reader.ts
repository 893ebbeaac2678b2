import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** The file's text as a stream: gunzipped while read when its name ends in `.gz`. */
function textOf(path: string, range?: ByteRange): Readable {
  // createReadStream's end is inclusive.
  const file = createReadStream(path, range && { start: range.start, end: range.end - 1 });
  // pipeline hands a read error of the file on to the gunzip stream, where readline hears it.
  const text = isGzipped(path) ? pipeline(file, createGunzip(), () => undefined) : file;
  return text.setEncoding('utf8');
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
  const input = textOf(path, range);
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      visit(text, ++line);
    }
  } catch (error) {
    throw isZlibError(error) ? gzipProblem(path, line, error) : error;
  } finally {
    input.destroy();
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
