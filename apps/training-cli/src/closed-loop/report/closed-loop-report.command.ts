import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { OPTIONS, PARSE_OPTION, parseInteger } from '../../cli/cli-options';
import { ProgressService } from '../../cli/progress.service';
import { CHART_FONT, chartFontFiles, renderPngs } from '../../cli/chart-renderer';
import { closedLoopMarkdown, WEEKLY_CHART_FILE, weeklyRateChart } from './closed-loop-markdown';
import { ClosedLoopReportOptions, ClosedLoopReportService } from './closed-loop-report.service';

const REPORT_FILE = 'closed_loop.md';

const DEFAULTS: ClosedLoopReportOptions = {
  config: 'config/config.json',
  modelsDir: 'models',
  workDir: 'data/closed-loop',
  reportsDir: 'reports',
  users: 2000,
  days: 28,
  seed: 42,
  coverageSeeds: 20,
  coverageUsers: 1000,
  coverageDays: 14,
};

/**
 * `closed-loop-report`: the committed reports/closed_loop.md and its chart, from seeded runs of
 * the closed-loop services (simulate-platform, uplift, train --from-log, ope) in this process.
 * Its defaults write the committed report.
 */
@Command({
  name: 'closed-loop-report',
  description:
    'simulate the policies, measure lift, retrain from logs, estimate each policy off-policy and write reports/closed_loop.md with its chart',
})
export class ClosedLoopReportCommand extends CliCommand {
  constructor(
    private readonly progress: ProgressService,
    private readonly report: ClosedLoopReportService,
  ) {
    super();
  }

  async run(_args: string[], flags: Partial<ClosedLoopReportOptions>): Promise<void> {
    const options = { ...DEFAULTS, ...flags };
    const started = process.hrtime.bigint();
    const results = await this.report.run(options, (step) => process.stderr.write(`… ${step}\n`));
    await mkdir(options.reportsDir, { recursive: true });
    const [png] = await renderPngs([weeklyRateChart(results)], {
      family: CHART_FONT,
      files: chartFontFiles(),
    });
    await writeFile(join(options.reportsDir, WEEKLY_CHART_FILE), png);
    await writeFile(join(options.reportsDir, REPORT_FILE), closedLoopMarkdown(results));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.progress.summary(
      `closed-loop-report: ${join(options.reportsDir, REPORT_FILE)} and ${WEEKLY_CHART_FILE} in ${seconds.toFixed(0)} s`,
    );
  }

  @Option({ flags: '--config <path>', description: 'the base engine config' })
  parseConfig(value: string): string {
    return value;
  }

  @Option({ ...OPTIONS.modelsDir, description: 'the deployed models the policies start from' })
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option({ flags: '--work-dir <path>', description: 'where the runs write their logs' })
  parseWorkDir(value: string): string {
    return value;
  }

  @Option(OPTIONS.reportsDir)
  parseReportsDir(value: string): string {
    return PARSE_OPTION.reportsDir(value);
  }

  @Option({ flags: '--users <count>', description: 'learners per policy run (2000)' })
  parseUsers(value: string): number {
    return parseInteger(value, 10, 1_000_000);
  }

  @Option({ flags: '--days <count>', description: 'days per policy run (28)' })
  parseDays(value: string): number {
    return parseInteger(value, 7, 366);
  }

  @Option(OPTIONS.seed)
  parseSeed(value: string): number {
    return PARSE_OPTION.seed(value);
  }

  @Option({ flags: '--coverage-seeds <count>', description: 'seeds of the coverage runs (20)' })
  parseCoverageSeeds(value: string): number {
    return parseInteger(value, 1, 1000);
  }

  @Option({ flags: '--coverage-users <count>', description: 'learners per coverage run (1000)' })
  parseCoverageUsers(value: string): number {
    return parseInteger(value, 10, 1_000_000);
  }

  @Option({ flags: '--coverage-days <count>', description: 'days per coverage run (14)' })
  parseCoverageDays(value: string): number {
    return parseInteger(value, 1, 366);
  }
}
