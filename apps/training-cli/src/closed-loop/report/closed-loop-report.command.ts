import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { OPTIONS, PARSE_OPTION, parseFilePaths, parseInteger } from '../../cli/cli-options';
import { ProgressService } from '../../cli/progress.service';
import { WEEKLY_CHART_FILE } from './closed-loop-markdown';
import { CLOSED_LOOP_REPORT_DEFAULTS, ClosedLoopReportService } from './closed-loop-report.service';
import { ClosedLoopReportOptions } from './closed-loop-results';

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
    const options = { ...CLOSED_LOOP_REPORT_DEFAULTS, ...flags };
    const started = process.hrtime.bigint();
    const path = await this.report.write(options, (step) => process.stderr.write(`… ${step}\n`));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.progress.summary(
      `closed-loop-report: ${path} and ${WEEKLY_CHART_FILE} in ${seconds.toFixed(0)} s`,
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

  @Option({
    flags: '--stories <paths>',
    description:
      'comma-separated story files of the off-policy coverage runs (the three committed stories)',
  })
  parseStories(value: string): string[] {
    return parseFilePaths(value);
  }

  @Option({
    flags: '--ope-coverage-seeds <count>',
    description: 'seeds per story of the off-policy coverage runs (20)',
  })
  parseOpeCoverageSeeds(value: string): number {
    return parseInteger(value, 1, 1000);
  }

  @Option({ flags: '--cycle-seeds <count>', description: 'seeds of the loop, cycle by cycle (5)' })
  parseCycleSeeds(value: string): number {
    return parseInteger(value, 1, 100);
  }

  @Option({ flags: '--cycles <count>', description: 'months per seed of the loop (2)' })
  parseCycles(value: string): number {
    return parseInteger(value, 1, 12);
  }

  @Option({
    flags: '--ope-coverage-users <count>',
    description: 'learners per 1-day off-policy coverage run (3000)',
  })
  parseOpeCoverageUsers(value: string): number {
    return parseInteger(value, 10, 1_000_000);
  }
}
