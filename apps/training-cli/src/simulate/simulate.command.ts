import { Command, Option } from 'nest-commander';
import { CliCommand } from '../cli/cli-command';
import {
  CliOptions,
  DEFAULT_OPTIONS,
  MAX_SEED,
  MAX_SNAPSHOTS,
  MAX_USERS,
  MIN_USERS,
  OPTION_HELP,
  parseDirectory,
  parseInteger,
} from '../cli/cli-options';
import { SimulationService } from './simulation.service';

type SimulateOptions = Pick<CliOptions, 'users' | 'snapshots' | 'seed' | 'dataDir'>;

@Command({
  name: 'simulate',
  description: 'simulate learners and peer snapshots: simulated_profiles.json, peer_snapshot.json',
})
export class SimulateCommand extends CliCommand {
  constructor(private readonly simulation: SimulationService) {
    super();
  }

  async run(_args: string[], options: SimulateOptions): Promise<void> {
    await this.simulation.simulate(options);
  }

  @Option({
    flags: '--users <count>',
    description: OPTION_HELP.users,
    defaultValue: DEFAULT_OPTIONS.users,
  })
  parseUsers(value: string): number {
    return parseInteger(value, MIN_USERS, MAX_USERS);
  }

  @Option({
    flags: '--snapshots <count>',
    description: OPTION_HELP.snapshots,
    defaultValue: DEFAULT_OPTIONS.snapshots,
  })
  parseSnapshots(value: string): number {
    return parseInteger(value, 1, MAX_SNAPSHOTS);
  }

  @Option({
    flags: '--seed <number>',
    description: OPTION_HELP.seed,
    defaultValue: DEFAULT_OPTIONS.seed,
  })
  parseSeed(value: string): number {
    return parseInteger(value, 0, MAX_SEED);
  }

  @Option({
    flags: '--data-dir <path>',
    description: OPTION_HELP.dataDir,
    defaultValue: DEFAULT_OPTIONS.dataDir,
  })
  parseDataDir(value: string): string {
    return parseDirectory(value);
  }
}
