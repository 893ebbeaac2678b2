import { stat } from 'node:fs/promises';
import { CliUsageError } from './cli-errors';

/** A log named on the command line must be a file; `flag` is how the user named it. */
export async function requireLogFile(path: string, flag: string): Promise<void> {
  const file = await stat(path).catch(() => undefined);
  if (file === undefined || !file.isFile()) {
    throw new CliUsageError(`${flag} ${path}: no such file`);
  }
}

/** The two logs of the closed loop, named by `--decisions` and `--outcomes`, must be files. */
export async function requireLogFiles(logs: {
  readonly decisions: string;
  readonly outcomes: string;
}): Promise<void> {
  await requireLogFile(logs.decisions, '--decisions');
  await requireLogFile(logs.outcomes, '--outcomes');
}
