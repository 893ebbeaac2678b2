import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliOptions, OPTIONS, PARSE_OPTION } from '../../cli/cli-options';
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

  @Option(OPTIONS.users)
  parseUsers(value: string): number {
    return PARSE_OPTION.users(value);
  }

  @Option(OPTIONS.snapshots)
  parseSnapshots(value: string): number {
    return PARSE_OPTION.snapshots(value);
  }

  @Option(OPTIONS.seed)
  parseSeed(value: string): number {
    return PARSE_OPTION.seed(value);
  }

  @Option(OPTIONS.dataDir)
  parseDataDir(value: string): string {
    return PARSE_OPTION.dataDir(value);
  }
}
