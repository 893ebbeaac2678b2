import { Command, Option } from 'nest-commander';
import { CliCommand } from '../cli/cli-command';
import { CliOptions, DEFAULT_OPTIONS, OPTION_HELP, parseDirectory } from '../cli/cli-options';
import { ReportService } from './report.service';

type ReportOptions = Pick<CliOptions, 'dataDir' | 'modelsDir' | 'reportsDir'>;

@Command({
  name: 'report',
  description:
    'score the test split with the saved models: classification_report.txt, metrics.json, feature_importance_<type>.csv and .png',
})
export class ReportCommand extends CliCommand {
  constructor(private readonly reports: ReportService) {
    super();
  }

  async run(_args: string[], options: ReportOptions): Promise<void> {
    await this.reports.report(options);
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
