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

  @Option({
    flags: '--models-dir <path>',
    description: OPTION_HELP.modelsDir,
    defaultValue: DEFAULT_OPTIONS.modelsDir,
  })
  parseModelsDir(value: string): string {
    return parseDirectory(value);
  }

  @Option({
    flags: '--reports-dir <path>',
    description: OPTION_HELP.reportsDir,
    defaultValue: DEFAULT_OPTIONS.reportsDir,
  })
  parseReportsDir(value: string): string {
    return parseDirectory(value);
  }
}
