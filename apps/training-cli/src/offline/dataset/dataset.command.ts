import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliOptions, OPTIONS, PARSE_OPTION } from '../../cli/cli-options';
import { DatasetService } from './dataset.service';

type DatasetOptions = Pick<CliOptions, 'dataDir'>;

@Command({
  name: 'dataset',
  description:
    'build processed_fomo_dataset.csv (features, p_true_<type>, should_nudge_<type>, split) from the simulated files; seed and as_of come from peer_snapshot.json',
})
export class DatasetCommand extends CliCommand {
  constructor(private readonly dataset: DatasetService) {
    super();
  }

  async run(_args: string[], options: DatasetOptions): Promise<void> {
    await this.dataset.build(options.dataDir);
  }

  @Option(OPTIONS.dataDir)
  parseDataDir(value: string): string {
    return PARSE_OPTION.dataDir(value);
  }
}
