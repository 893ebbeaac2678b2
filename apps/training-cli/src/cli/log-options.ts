import { join } from 'node:path';
import type { OptionMetadata } from 'nest-commander';
import { CLOSED_LOOP_FILES } from '@app/contract';
import { DEFAULT_OPTIONS, parseFilePath } from './cli-options';
import { LogPaths } from './log-file';

/** `--decisions` or `--outcomes`: a log, by default where a platform writes it in --data-dir. */
export function logOption(
  log: keyof typeof CLOSED_LOOP_FILES,
  description: string,
): OptionMetadata {
  return {
    flags: `--${log} <path>`,
    description,
    defaultValue: join(DEFAULT_OPTIONS.dataDir, CLOSED_LOOP_FILES[log]),
  };
}

export const OUTCOMES_HELP = 'the outcomes log (NDJSON, one action per line)';

/** What a log flag that may be repeated takes, said after the log in its help. */
export const LOG_PATHS_HELP =
  'a file or a glob (quoted), a .gz file gunzipped; repeat the flag for more files';

/**
 * A repeated `--decisions` or `--outcomes` adds its value to those before it. What the flags give
 * is always an array, so a string before it is the default, which the first value replaces.
 */
export function parseLogPaths(value: string, previous: LogPaths | undefined): string[] {
  const path = parseFilePath(value);
  return previous === undefined || typeof previous === 'string' ? [path] : [...previous, path];
}

export const JSON_OPTION: OptionMetadata = {
  flags: '--json',
  description: 'print the report as one JSON object',
};

/** A report on standard output: one JSON object with --json, else its text's lines. */
export function printReport(report: object, json: boolean | undefined, text: () => string[]): void {
  const output = json === true ? [JSON.stringify(report)] : text();
  process.stdout.write(`${output.join('\n')}\n`);
}
