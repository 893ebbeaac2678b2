import { realpath, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { lineName, LogLine } from '@app/contract/decision-log';
import { CliUsageError } from './cli-errors';

/**
 * What a log flag names: one path or glob (a default, or a caller's), or each value the flag was
 * given. A platform's log may come in several files: rotated, per process, some gzipped.
 */
export type LogPaths = string | readonly string[];

/** The files of one log, in the order they are read. */
export interface LogFiles {
  /** How messages name the log: its one file, or the flag's values and how many files they matched. */
  readonly name: string;
  readonly files: readonly string[];
}

/** A line as messages about `log` name it: `line <n>` when the log is one file, else with its file. */
export function lineIn(log: LogFiles, at: LogLine): string {
  return log.files.length === 1 ? `line ${at.line}` : lineName(at);
}

/** A log kept in one file, named by its path. */
export function oneFileLog(path: string): LogFiles {
  return { name: path, files: [path] };
}

async function isFile(path: string): Promise<boolean> {
  const file = await stat(path).catch(() => undefined);
  return file?.isFile() === true;
}

/**
 * The files one value of a log flag names: the file of that name when there is one (a file's
 * name may hold `[` or `*`), else the glob's matches in sorted path order, spelt relative or
 * absolute as the value is. Naming no file is an error naming the flag and the value.
 */
async function filesOf(value: string, flag: string): Promise<string[]> {
  if (await isFile(value)) return [value];
  if (!isDynamicPattern(value)) throw new CliUsageError(`${flag} ${value}: no such file`);
  const matches = await glob(value, {
    onlyFiles: true,
    // A glob of a folder names no file, as a folder's path does.
    expandDirectories: false,
    absolute: isAbsolute(value),
  });
  if (matches.length === 0) throw new CliUsageError(`${flag} ${value}: no file matches`);
  return matches.sort();
}

/**
 * The files a log flag names, each value's in turn, in the order the flag gave them. A file
 * named twice (by two globs, by a glob and its path, or through a link) is read once, where it
 * first comes: reading it again would repeat every line.
 */
export async function resolveLog(paths: LogPaths, flag: string): Promise<LogFiles> {
  const values = typeof paths === 'string' ? [paths] : paths;
  const files: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    for (const file of await filesOf(value, flag)) {
      const real = await realpath(file);
      if (seen.has(real)) continue;
      seen.add(real);
      files.push(file);
    }
  }
  const name = files.length === 1 ? files[0] : `${values.join(', ')} (${files.length} files)`;
  return { name, files };
}

/** The two logs of the closed loop, named by `--decisions` and `--outcomes`. */
export async function resolveLogs(logs: {
  readonly decisions: LogPaths;
  readonly outcomes: LogPaths;
}): Promise<{ readonly decisions: LogFiles; readonly outcomes: LogFiles }> {
  return {
    decisions: await resolveLog(logs.decisions, '--decisions'),
    outcomes: await resolveLog(logs.outcomes, '--outcomes'),
  };
}
