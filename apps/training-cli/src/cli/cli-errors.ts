import { CommanderError } from 'commander';
import { DecisionLogError } from '@app/contract/decision-log';

/** Exit code for anything the user can fix: a bad flag, a missing or malformed input file. */
export const USAGE_EXIT_CODE = 2;

/** A problem the user can fix; its message names the flag or file. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * Exit code for a command that ran correctly and declined to act on what it found (`promote`
 * refusing a candidate): distinct from usage errors (2), so a pipeline can tell "no" from "wrong".
 */
export const REFUSAL_EXIT_CODE = 3;

/** The command decided not to act; its message, one line, says why, with the numbers. */
export class CliRefusalError extends Error {
  override readonly name = 'CliRefusalError';
}

/** Carries commander's verdict (help shown, bad flag) out of parsing without process.exit. */
class CommanderExit extends Error {
  constructor(readonly exitCode: number) {
    super(`commander exit ${exitCode}`);
  }
}

/**
 * commander calls this instead of process.exit. It has already printed help or the error, so
 * only the exit code is left to decide: 0 after --help, 2 for any parse error.
 */
export function onCommanderExit(error: CommanderError): never {
  throw new CommanderExit(error.exitCode === 0 ? 0 : USAGE_EXIT_CODE);
}

/**
 * Everything thrown while parsing or running ends here. Setting process.exitCode (rather than
 * exiting) lets the app close cleanly and lets tests read the code.
 */
export function onCommandError(error: Error): void {
  if (error instanceof CommanderExit) {
    process.exitCode = error.exitCode;
  } else if (error instanceof CliRefusalError) {
    // Not an error of the user's: the line is the command's answer, printed as it is.
    process.stderr.write(`${error.message}\n`);
    process.exitCode = REFUSAL_EXIT_CODE;
  } else if (error instanceof CliUsageError || error instanceof DecisionLogError) {
    // A log that breaks the decision-log contract is the user's to fix, like a bad flag.
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = USAGE_EXIT_CODE;
  } else {
    process.stderr.write(`error: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  }
}
