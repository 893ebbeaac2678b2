import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliOptions, OPTIONS, PARSE_OPTION } from '../../cli/cli-options';
import { DatasetService } from '../dataset/dataset.service';
import { ReportService } from '../report/report.service';
import { SimulationService } from '../simulate/simulation.service';
import { TrainService } from '../train/train.service';

@Command({
  name: 'pipeline',
  description:
    'simulate, dataset, train and report in order; the defaults write the committed models/ and reports/',
})
export class PipelineCommand extends CliCommand {
  constructor(
    private readonly simulation: SimulationService,
    private readonly dataset: DatasetService,
    private readonly training: TrainService,
    private readonly reports: ReportService,
  ) {
    super();
  }

  async run(_args: string[], options: CliOptions): Promise<void> {
    await this.simulation.simulate(options);
    await this.dataset.build(options.dataDir);
    await this.training.train(options);
    await this.reports.report(options);
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

  @Option(OPTIONS.modelsDir)
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option(OPTIONS.reportsDir)
  parseReportsDir(value: string): string {
    return PARSE_OPTION.reportsDir(value);
  }
}
