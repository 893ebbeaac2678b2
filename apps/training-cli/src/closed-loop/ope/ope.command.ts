import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import {
  OPTIONS,
  PARSE_OPTION,
  parseDirectory,
  parseFilePath,
  parseInteger,
} from '../../cli/cli-options';
import { LogPaths } from '../../cli/log-file';
import {
  JSON_OPTION,
  LOG_PATHS_HELP,
  logOption,
  OUTCOMES_HELP,
  parseLogPaths,
  printReport,
} from '../../cli/log-options';
import { ProgressService, warnOnStderr } from '../../cli/progress.service';
import { runShardable, ShardFlags } from '../../cli/sharded-run';
import { MAX_THREADS, parseShard, Shard, STREAM_OPTIONS } from '../../cli/shard-option';
import { OPE_OPTIONS, PARSE_OPE_OPTION } from './ope-options';
import { opeText } from './ope-text';
import { OPE_DEFAULTS, OpeRequest, OpeService } from './ope.service';

export interface OpeOptions extends OpeRequest, ShardFlags {
  readonly json?: boolean;
}

/**
 * `ope` (OpeService): a candidate policy's value on another policy's logs. Any problem is a
 * usage error naming the file and line, and nothing is printed but the error.
 */
@Command({
  name: 'ope',
  description:
    "estimate a candidate policy's value from logs another policy made (off-policy evaluation, slate-aware): IPS, SNIPS and doubly robust estimates of its mean outcome per decision and of its difference from a baseline, with learner-level bootstrap 95% CIs; --shard I/N --partial FILE for a sharded run (combine)",
})
export class OpeCommand extends CliCommand {
  constructor(
    private readonly ope: OpeService,
    private readonly progress: ProgressService,
  ) {
    super();
  }

  async run(_args: string[], options: OpeOptions): Promise<void> {
    const reportFlags = [options.html !== undefined && '--html', options.json === true && '--json'];
    await runShardable(
      'ope',
      options,
      reportFlags,
      {
        report: async () => {
          const { report, candidate } = await this.ope.evaluate(options, warnOnStderr);
          printReport(report, options.json, () => opeText(report, candidate));
        },
        write: (shard, partial) => this.ope.writePartial(options, shard, partial, warnOnStderr),
      },
      this.progress,
    );
  }

  @Option(
    logOption(
      'decisions',
      `the decisions log (NDJSON, one decision per line, with its request): ${LOG_PATHS_HELP}`,
    ),
  )
  parseDecisions(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option(logOption('outcomes', `${OUTCOMES_HELP}: ${LOG_PATHS_HELP}`))
  parseOutcomes(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option({
    flags: '--config <path>',
    description: "the candidate policy's engine config",
    required: true,
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({ ...OPTIONS.modelsDir, description: "the candidate policy's models and manifest.json" })
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option({
    flags: '--logging-config <path>',
    description:
      'the engine config that made the logs: ope replays it on each decision, checks the logged propensities against it and weighs the candidate against it',
    defaultValue: OPE_DEFAULTS.loggingConfig,
  })
  parseLoggingConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--logging-models-dir <path>',
    description: 'the models served beside the logging config',
    defaultValue: OPE_DEFAULTS.loggingModelsDir,
  })
  parseLoggingModelsDir(value: string): string {
    return parseDirectory(value);
  }

  @Option({
    flags: '--baseline <path>',
    description:
      'the engine config the candidate is compared with (default: the logging policy itself)',
  })
  parseBaseline(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--baseline-models-dir <path>',
    description: "the baseline's models (default: the logging policy's)",
  })
  parseBaselineModelsDir(value: string): string {
    return parseDirectory(value);
  }

  @Option(OPE_OPTIONS.clip)
  parseClip(value: string): number {
    return PARSE_OPE_OPTION.clip(value);
  }

  @Option(OPE_OPTIONS.folds)
  parseFolds(value: string): number {
    return PARSE_OPE_OPTION.folds(value);
  }

  @Option(OPE_OPTIONS.rewardDays)
  parseRewardDays(value: string): number {
    return PARSE_OPE_OPTION.rewardDays(value);
  }

  @Option(OPE_OPTIONS.bootstrap)
  parseBootstrap(value: string): number {
    return PARSE_OPE_OPTION.bootstrap(value);
  }

  @Option(OPE_OPTIONS.seed)
  parseSeed(value: string): number {
    return PARSE_OPE_OPTION.seed(value);
  }

  @Option({
    flags: '--html <path>',
    description:
      "also write the report as a self-contained HTML page: each estimate of the candidate beside the baseline's, their difference, the diagnostics",
  })
  parseHtml(value: string): string {
    return parseFilePath(value);
  }

  @Option(STREAM_OPTIONS.threads)
  parseThreads(value: string): number {
    return parseInteger(value, 1, MAX_THREADS);
  }

  @Option(STREAM_OPTIONS.shard)
  parseShard(value: string): Shard {
    return parseShard(value);
  }

  @Option(STREAM_OPTIONS.partial)
  parsePartial(value: string): string {
    return parseFilePath(value);
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
