import { Command } from 'commander';
import { CommandRunner } from 'nest-commander';
import { onCommanderExit } from './cli-errors';

/**
 * The base of every command. nest-commander builds each subcommand with `new Command()`, which
 * does not inherit the root's exitOverride, so a bad flag would call process.exit(1) directly.
 */
export abstract class CliCommand extends CommandRunner {
  override setCommand(command: Command): this {
    command.exitOverride(onCommanderExit);
    return super.setCommand(command);
  }
}
