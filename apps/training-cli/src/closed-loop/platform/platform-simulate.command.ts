import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import {
  MAX_USERS,
  OPTIONS,
  PARSE_OPTION,
  parseDirectory,
  parseFilePath,
  parseInteger,
} from '../../cli/cli-options';
import { ProgressService } from '../../cli/progress.service';
import { PlatformTruth } from './platform-writer';
import { MAX_PRE_DAYS } from './pre-period';
import { MAX_DAYS, MAX_WINDOW_DAYS, PLATFORM_OPTIONS, parseStartDate } from './platform-options';
import { platformSummary, PlatformService, SimulatePlatformRequest } from './platform.service';

const PROGRESS_EVERY = 100;

/**
 * `simulate-platform`: a platform that asks the engine, in process, what to send every simulated
 * learner every day, delivers it, and draws what the learners do (docs/closed-loop.md, "The
 * platform simulator"). It writes the two logs `uplift` reads and truth.json, what they should
 * measure; the same flags write the same bytes.
 */
@Command({
  name: 'simulate-platform',
  description:
    'simulate a platform serving the engine to learners day by day: decisions.ndjson, outcomes.ndjson and truth.json (the true lift and policy value)',
})
export class SimulatePlatformCommand extends CliCommand {
  constructor(
    private readonly progress: ProgressService,
    private readonly platform: PlatformService,
  ) {
    super();
  }

  async run(_args: string[], options: SimulatePlatformRequest): Promise<void> {
    const started = process.hrtime.bigint();
    const task = this.progress.task('platform', options.users);
    let learners = 0;
    let truth: PlatformTruth;
    try {
      truth = await this.platform.simulate(options, () => {
        if (++learners % PROGRESS_EVERY === 0) task.increment(PROGRESS_EVERY);
      });
    } finally {
      task.stop();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.progress.summary(platformSummary(options, truth, seconds));
  }

  @Option(PLATFORM_OPTIONS.users)
  parseUsers(value: string): number {
    return parseInteger(value, 1, MAX_USERS);
  }

  @Option(PLATFORM_OPTIONS.days)
  parseDays(value: string): number {
    return parseInteger(value, 1, MAX_DAYS);
  }

  @Option(OPTIONS.seed)
  parseSeed(value: string): number {
    return PARSE_OPTION.seed(value);
  }

  @Option(PLATFORM_OPTIONS.outDir)
  parseOutDir(value: string): string {
    return parseDirectory(value);
  }

  @Option(PLATFORM_OPTIONS.config)
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option(PLATFORM_OPTIONS.story)
  parseStory(value: string): string {
    return parseFilePath(value);
  }

  @Option(OPTIONS.modelsDir)
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option(PLATFORM_OPTIONS.start)
  parseStart(value: string): string {
    return parseStartDate(value);
  }

  @Option(PLATFORM_OPTIONS.rewardDays)
  parseRewardDays(value: string): number {
    return parseInteger(value, 1, MAX_WINDOW_DAYS);
  }

  @Option(PLATFORM_OPTIONS.windowDays)
  parseWindowDays(value: string): number {
    return parseInteger(value, 1, MAX_WINDOW_DAYS);
  }

  @Option(PLATFORM_OPTIONS.preDays)
  parsePreDays(value: string): number {
    return parseInteger(value, 0, MAX_PRE_DAYS);
  }
}
