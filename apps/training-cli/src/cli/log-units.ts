import { open, stat } from 'node:fs/promises';
import { forEachLine, isGzipped, LogLine } from '@app/contract/decision-log';
import { LogFiles } from './log-file';

/**
 * A part of a log that one thread reads on its own: a whole `.gz` file (a gzip stream cannot
 * be entered in the middle), or a slice of a plain file's bytes that starts and ends with whole
 * lines. Its lines are numbered from 1 within it until every unit before it in its file has been
 * read and counted (unitPlaces).
 */
export interface LogUnit {
  /** The file's index in the log's files. */
  readonly file: number;
  readonly path: string;
  /** Undefined: the whole file. */
  readonly start?: number;
  readonly end?: number;
}

/** Bytes of a plain file per unit: enough units for every thread, few enough to count cheaply. */
const UNIT_BYTES = 32 * 1024 * 1024;
const NEWLINE = 0x0a;
const SCAN_BYTES = 1 << 16;

/** The first line start at or after `offset` in a file of `size` bytes: 0, or after a newline. */
async function lineStartFrom(path: string, offset: number, size: number): Promise<number> {
  if (offset <= 0) return 0;
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SCAN_BYTES);
    for (let at = offset - 1; at < size; at += SCAN_BYTES) {
      const { bytesRead } = await file.read(buffer, 0, SCAN_BYTES, at);
      const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
      if (newline >= 0) return at + newline + 1;
    }
    return size;
  } finally {
    await file.close();
  }
}

/** The log's units, in the log's order: each file's in turn, a plain file's cut by bytes. */
export async function logUnits(log: LogFiles, unitBytes = UNIT_BYTES): Promise<LogUnit[]> {
  const units: LogUnit[] = [];
  for (const [file, path] of log.files.entries()) {
    const { size } = await stat(path);
    if (isGzipped(path) || size <= unitBytes) {
      units.push({ file, path });
      continue;
    }
    let start = 0;
    while (start < size) {
      const end = await lineStartFrom(path, start + unitBytes, size);
      units.push({ file, path, start, end });
      start = end;
    }
  }
  return units;
}

/** Calls `visit` with each line of the unit and its number within the unit. Returns the lines. */
export function forEachUnitLine(
  unit: LogUnit,
  visit: (text: string, line: number) => void,
): Promise<number> {
  const range =
    unit.start === undefined || unit.end === undefined
      ? undefined
      : { start: unit.start, end: unit.end };
  return forEachLine(unit.path, visit, range);
}

/**
 * Where each unit's lines are in their file, once every unit has been read: a unit's first line
 * follows the lines of the units before it in the same file. `lines` has each unit's count.
 */
export class UnitPlaces {
  private readonly firstLine: number[];

  constructor(
    private readonly units: readonly LogUnit[],
    lines: readonly number[],
  ) {
    const counted = new Map<number, number>();
    this.firstLine = units.map((unit, i) => {
      const before = counted.get(unit.file) ?? 0;
      counted.set(unit.file, before + lines[i]);
      return before + 1;
    });
  }

  /** The file index and line number of line `line` of unit `unit`. */
  place(unit: number, line: number): { file: number; line: number } {
    return { file: this.units[unit].file, line: this.firstLine[unit] + line - 1 };
  }

  /** The same, as a LogLine naming the file. */
  logLine(unit: number, line: number): LogLine {
    return { file: this.units[unit].path, line: this.firstLine[unit] + line - 1 };
  }
}
