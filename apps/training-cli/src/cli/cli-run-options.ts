import { CommanderError } from 'commander';
import { CommanderOptionsType } from 'nest-commander';
import { onCommandError, onCommanderExit } from './cli-errors';

/** The CommandFactory options main.ts and the command tests share. */
export const CLI_RUN_OPTIONS = {
  cliName: 'training-cli',
  errorHandler: (error: Error) => onCommanderExit(error as CommanderError),
  serviceErrorHandler: onCommandError,
} satisfies CommanderOptionsType;
