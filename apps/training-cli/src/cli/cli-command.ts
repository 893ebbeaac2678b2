import { Command } from 'commander';
import { CommandRunner } from 'nest-commander';
import { onCommanderExit } from './cli-errors';

/**
 * The base of every command. nest-commander builds each subcommand with `new Command()`, which
 * does not inherit the root's exitOverride, so a bad flag would call process.exit(1) directly.
 * No command takes arguments: a stray one is an error, not ignored. An unquoted glob
 * (`--decisions logs/d-*.ndjson`) is expanded by the shell into several words, and all but the
 * first would otherwise be dropped in silence.
 */
export abstract class CliCommand extends CommandRunner {
  override setCommand(command: Command): this {
    command.exitOverride(onCommanderExit);
    command.allowExcessArguments(false);
    return super.setCommand(command);
  }
}
