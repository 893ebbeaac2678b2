import { Command, Option } from 'nest-commander';
import { CliCommand } from '../cli/cli-command';
import { CliOptions, OPTIONS, PARSE_OPTION } from '../cli/cli-options';
import { TrainService } from './train.service';

type TrainOptions = Pick<CliOptions, 'dataDir' | 'modelsDir'>;

@Command({
  name: 'train',
  description:
    'train one logistic model per nudge type on the dataset: <models-dir>/<type>/model.json + weights.bin and manifest.json',
})
export class TrainCommand extends CliCommand {
  constructor(private readonly training: TrainService) {
    super();
  }

  async run(_args: string[], options: TrainOptions): Promise<void> {
    await this.training.train(options);
  }

  @Option(OPTIONS.dataDir)
  parseDataDir(value: string): string {
    return PARSE_OPTION.dataDir(value);
  }

  @Option(OPTIONS.modelsDir)
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }
}
