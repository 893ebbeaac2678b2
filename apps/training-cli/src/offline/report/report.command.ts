import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliOptions, OPTIONS, PARSE_OPTION } from '../../cli/cli-options';
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
