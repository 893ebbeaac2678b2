import { Command, Option, OptionMetadata } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { parseFilePath, parseInteger, parseLiftPoints } from '../../cli/cli-options';
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
import { upliftText } from './uplift-text';
import { UPLIFT_DEFAULTS, UpliftRequest, UpliftService } from './uplift.service';

export interface UpliftOptions extends UpliftRequest, ShardFlags {
  readonly json?: boolean;
}

/** `--target-lift`, of `uplift` and of `combine`. */
export const TARGET_LIFT_OPTION: OptionMetadata = {
  flags: '--target-lift <points>',
  description:
    'a lift in percentage points to size the holdout for: the share of these learners to hold out to detect it',
};

/** `--html`, of `uplift` and of `combine`. */
export const UPLIFT_HTML_OPTION: OptionMetadata = {
  flags: '--html <path>',
  description:
    'also write the report as a self-contained HTML page: a forest plot of the lifts and the weekly action rate by arm',
};

const MAX_WINDOW_DAYS = 365;
/** Ten years of days: a pre-period longer than any log. */
const MAX_PRE_DAYS = 3660;

/**
 * `uplift`: whether nudges change what learners do, from a platform's decisions and outcomes
 * logs (docs/closed-loop.md). Any problem in the logs or the config is a usage error naming the
 * file, line and field, and nothing is printed but the error.
 */
@Command({
  name: 'uplift',
  description:
    "measure the lift of nudging from a decisions log and an outcomes log: each arm's action rate within a window, treated against holdout with 95% CIs, and a sample ratio test against the config's split",
})
export class UpliftCommand extends CliCommand {
  constructor(
    private readonly uplift: UpliftService,
    private readonly progress: ProgressService,
  ) {
    super();
  }

  async run(_args: string[], options: UpliftOptions): Promise<void> {
    const reportFlags = [
      options.html !== undefined && '--html',
      options.targetLift !== undefined && '--target-lift',
      options.json === true && '--json',
    ];
    await runShardable(
      'uplift',
      options,
      reportFlags,
      {
        report: async () => {
          const report = await this.uplift.measure(options, warnOnStderr);
          printReport(report, options.json, () => upliftText(report));
        },
        write: (shard, partial) => this.uplift.writePartial(options, shard, partial),
      },
      this.progress,
    );
  }

  @Option(
    logOption('decisions', `the decisions log (NDJSON, one decision per line): ${LOG_PATHS_HELP}`),
  )
  parseDecisions(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option(logOption('outcomes', `${OUTCOMES_HELP}: ${LOG_PATHS_HELP}`))
  parseOutcomes(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option({
    flags: '--window-days <days>',
    description: `days after a decision (its own day included) an action counts for it, 1 to ${MAX_WINDOW_DAYS}`,
    defaultValue: UPLIFT_DEFAULTS.windowDays,
  })
  parseWindowDays(value: string): number {
    return parseInteger(value, 1, MAX_WINDOW_DAYS);
  }

  @Option({
    flags: '--config <path>',
    description: 'the engine config the decisions were made with (its split is the expected one)',
    defaultValue: UPLIFT_DEFAULTS.config,
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option(TARGET_LIFT_OPTION)
  parseTargetLift(value: string): number {
    return parseLiftPoints(value);
  }

  @Option({
    flags: '--pre-days <days>',
    description: `CUPED's pre-period: the days before each learner's first decision, 1 to ${MAX_PRE_DAYS} (default: all the outcomes log has before it)`,
  })
  parsePreDays(value: string): number {
    return parseInteger(value, 1, MAX_PRE_DAYS);
  }

  @Option(UPLIFT_HTML_OPTION)
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
