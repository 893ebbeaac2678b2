import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';
import { CLI_RUN_OPTIONS } from './cli-run-options';

/**
 * Commander names the program after the script it runs from (`main`); help and errors should
 * say `training-cli`, the name the README and the Nest project use.
 */
@Injectable()
export class CliName implements OnModuleInit {
  constructor(@InjectCommander() private readonly commander: Command) {}

  onModuleInit(): void {
    this.commander.name(CLI_RUN_OPTIONS.cliName);
  }
}
