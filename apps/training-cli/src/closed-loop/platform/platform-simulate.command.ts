import { mkdir } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { ConfigError, EngineConfig, EngineState, loadEngineConfig } from '@app/engagement';
import { parseCalendarDate } from '@app/learner';
import { loadModelSet } from '@app/ml';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import {
  MAX_USERS,
  OPTIONS,
  PARSE_OPTION,
  parseDirectory,
  parseFilePath,
  parseInteger,
} from '../../cli/cli-options';
import { ProgressService } from '../../cli/progress.service';
import { PlatformRunOptions, PlatformSimulator } from './platform-simulator';
import { platformPaths, PlatformTruth, writePlatformRun } from './platform-writer';

export interface SimulatePlatformOptions {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  readonly outDir: string;
  readonly config: string;
  readonly modelsDir: string;
  /** Day 0 as YYYY-MM-DD, checked when parsed. */
  readonly start: string;
  readonly rewardDays: number;
  readonly windowDays: number;
}

/** A year and a day: a whole leap year of decisions. */
export const MAX_DAYS = 366;
const MAX_WINDOW_DAYS = 365;
export const DEFAULT_START = '2025-06-02';
const PROGRESS_EVERY = 100;

function loadConfig(path: string): EngineConfig {
  try {
    return loadEngineConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(`--config: ${error.message}`);
    throw error;
  }
}

async function createOutDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new CliUsageError(`--out-dir ${path}: cannot create it (${(error as Error).message})`);
  }
}

const signed = (value: number, digits: number): string =>
  `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

function summaryLine(
  options: SimulatePlatformOptions,
  truth: PlatformTruth,
  seconds: number,
): string {
  const paths = platformPaths(options.outDir);
  const models =
    truth.model_version === null
      ? 'rules only (no models loaded)'
      : `models ${truth.model_version}`;
  const value = truth.policy_value === null ? 'none' : truth.policy_value.toFixed(4);
  return `simulate-platform: ${options.users} learners × ${options.days} days from ${truth.start} (seed ${options.seed}, ${models}) -> ${paths.decisions} (${truth.decisions} decisions, ${truth.holdout_decisions} held out), ${paths.outcomes} (${truth.actions} actions), ${paths.truth}: true lift ${signed(truth.absolute_lift * 100, 2)} points, policy value ${value}, in ${seconds.toFixed(1)} s`;
}

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
  constructor(private readonly progress: ProgressService) {
    super();
  }

  async run(_args: string[], options: SimulatePlatformOptions): Promise<void> {
    const started = process.hrtime.bigint();
    const config = loadConfig(options.config);
    await createOutDir(options.outDir);
    // As the API does: models that do not load leave the engine rules-only.
    const models = await loadModelSet(options.modelsDir).catch(() => undefined);
    const state: EngineState = { config, models };
    const run: PlatformRunOptions = {
      users: options.users,
      days: options.days,
      seed: options.seed,
      start: parseCalendarDate(options.start)!,
      windowDays: options.windowDays,
      rewardDays: options.rewardDays,
    };
    const task = this.progress.task('platform', options.users);
    let learners = 0;
    let truth: PlatformTruth;
    try {
      truth = await writePlatformRun(
        new PlatformSimulator(run, state),
        run,
        state,
        options.outDir,
        () => {
          if (++learners % PROGRESS_EVERY === 0) task.increment(PROGRESS_EVERY);
        },
      );
    } finally {
      task.stop();
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.progress.summary(summaryLine(options, truth, seconds));
  }

  @Option({
    flags: '--users <count>',
    description: `learners to simulate, 1 to ${MAX_USERS}`,
    required: true,
  })
  parseUsers(value: string): number {
    return parseInteger(value, 1, MAX_USERS);
  }

  @Option({
    flags: '--days <count>',
    description: `days of decisions, 1 to ${MAX_DAYS}`,
    required: true,
  })
  parseDays(value: string): number {
    return parseInteger(value, 1, MAX_DAYS);
  }

  @Option(OPTIONS.seed)
  parseSeed(value: string): number {
    return PARSE_OPTION.seed(value);
  }

  @Option({
    flags: '--out-dir <path>',
    description: 'folder to write decisions.ndjson, outcomes.ndjson and truth.json to',
    required: true,
  })
  parseOutDir(value: string): string {
    return parseDirectory(value);
  }

  @Option({
    flags: '--config <path>',
    description: 'the engine config the platform serves with',
    defaultValue: 'config/config.json',
  })
  parseConfig(value: string): string {
    return parseFilePath(value);
  }

  @Option(OPTIONS.modelsDir)
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option({
    flags: '--start <date>',
    description: 'day 0 (YYYY-MM-DD): the first decision, and the day learners are simulated as of',
    defaultValue: DEFAULT_START,
  })
  parseStart(value: string): string {
    if (parseCalendarDate(value) === null) {
      throw new InvalidArgumentError('Expected a calendar date as YYYY-MM-DD.');
    }
    return value;
  }

  @Option({
    flags: '--reward-days <days>',
    description: `days a decision's top nudge may be acted on for its reward, its own day included, 1 to ${MAX_WINDOW_DAYS}`,
    defaultValue: 1,
  })
  parseRewardDays(value: string): number {
    return parseInteger(value, 1, MAX_WINDOW_DAYS);
  }

  @Option({
    flags: '--window-days <days>',
    description: `days after a decision (its own day included) an action counts for the true lift, 1 to ${MAX_WINDOW_DAYS}`,
    defaultValue: 7,
  })
  parseWindowDays(value: string): number {
    return parseInteger(value, 1, MAX_WINDOW_DAYS);
  }
}
