import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import {
  CliOptions,
  DEFAULT_OPTIONS,
  OPTIONS,
  PARSE_OPTION,
  parseDirectory,
  parseFilePath,
  parseInteger,
} from '../../cli/cli-options';
import { CLOSED_LOOP_FILES } from '../../closed-loop/decision-log';
import { FromLogRequest, FromLogTrainingService } from '../../closed-loop/retrain/retrain.service';
import { TrainService } from './train.service';

/** The flags of `--from-log`; none has a commander default, so a stray one can be caught. */
interface FromLogOptions {
  readonly fromLog?: boolean;
  readonly decisions?: string;
  readonly outcomes?: string;
  readonly rewardDays?: number;
  readonly clip?: number;
  readonly holdoutDays?: number;
  readonly baselineModelsDir?: string;
}

type TrainOptions = Pick<CliOptions, 'dataDir' | 'modelsDir'> & FromLogOptions;

const FROM_LOG_DEFAULTS = {
  rewardDays: 1,
  clip: 10,
  holdoutDays: 7,
  baselineModelsDir: DEFAULT_OPTIONS.modelsDir,
} as const;

const MAX_DAYS = 365;
const MAX_CLIP = 1_000_000;
const DECIMAL = /^\d+(\.\d+)?$/;

/** Flags that mean nothing without --from-log, by option key. */
const FROM_LOG_FLAGS: ReadonlyArray<readonly [keyof FromLogOptions, string]> = [
  ['decisions', '--decisions'],
  ['outcomes', '--outcomes'],
  ['rewardDays', '--reward-days'],
  ['clip', '--clip'],
  ['holdoutDays', '--holdout-days'],
  ['baselineModelsDir', '--baseline-models-dir'],
];

function parseClip(value: string): number {
  const parsed = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 1 && parsed <= MAX_CLIP)) {
    throw new InvalidArgumentError(`Expected a number from 1 to ${MAX_CLIP}.`);
  }
  return parsed;
}

/** The logs default to the files a platform (or the simulator) writes into --data-dir. */
function fromLogRequest(options: TrainOptions): FromLogRequest {
  return {
    decisions: options.decisions ?? join(options.dataDir, CLOSED_LOOP_FILES.decisions),
    outcomes: options.outcomes ?? join(options.dataDir, CLOSED_LOOP_FILES.outcomes),
    modelsDir: options.modelsDir,
    baselineModelsDir: options.baselineModelsDir ?? FROM_LOG_DEFAULTS.baselineModelsDir,
    rewardDays: options.rewardDays ?? FROM_LOG_DEFAULTS.rewardDays,
    clip: options.clip ?? FROM_LOG_DEFAULTS.clip,
    holdoutDays: options.holdoutDays ?? FROM_LOG_DEFAULTS.holdoutDays,
  };
}

@Command({
  name: 'train',
  description:
    "train one logistic model per nudge type on the dataset: <models-dir>/<type>/model.json + weights.bin and manifest.json; with --from-log, on the delivered nudges' outcomes in a decisions and an outcomes log instead",
})
export class TrainCommand extends CliCommand {
  constructor(
    private readonly training: TrainService,
    private readonly fromLog: FromLogTrainingService,
  ) {
    super();
  }

  async run(_args: string[], options: TrainOptions): Promise<void> {
    if (options.fromLog === true) {
      await this.fromLog.train(fromLogRequest(options));
      return;
    }
    const stray = FROM_LOG_FLAGS.find(([key]) => options[key] !== undefined);
    if (stray !== undefined) throw new CliUsageError(`${stray[1]} needs --from-log`);
    await this.training.train(options);
  }

  @Option(OPTIONS.dataDir)
  parseDataDir(value: string): string {
    return PARSE_OPTION.dataDir(value);
  }

  @Option(OPTIONS.modelsDir)
  parseModelsDir(value: string): string {
    return PARSE_OPTION.modelsDir(value);
  }

  @Option({
    flags: '--from-log',
    description:
      'refit the models on the outcomes of the nudges a platform delivered (--decisions, --outcomes) instead of the dataset',
  })
  parseFromLog(): boolean {
    return true;
  }

  @Option({
    flags: '--decisions <path>',
    description: `with --from-log: the decisions log (default: <data-dir>/${CLOSED_LOOP_FILES.decisions})`,
  })
  parseDecisions(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--outcomes <path>',
    description: `with --from-log: the outcomes log (default: <data-dir>/${CLOSED_LOOP_FILES.outcomes})`,
  })
  parseOutcomes(value: string): string {
    return parseFilePath(value);
  }

  @Option({
    flags: '--reward-days <days>',
    description: `with --from-log: days a nudge's action counts for it, the decision's own day included, 1 to ${MAX_DAYS} (default: ${FROM_LOG_DEFAULTS.rewardDays})`,
  })
  parseRewardDays(value: string): number {
    return parseInteger(value, 1, MAX_DAYS);
  }

  @Option({
    flags: '--clip <weight>',
    description: `with --from-log: the largest weight 1/propensity gives a row, 1 to ${MAX_CLIP} (default: ${FROM_LOG_DEFAULTS.clip})`,
  })
  parseClip(value: string): number {
    return parseClip(value);
  }

  @Option({
    flags: '--holdout-days <days>',
    description: `with --from-log: the last days of decisions kept to test on, 1 to ${MAX_DAYS} (default: ${FROM_LOG_DEFAULTS.holdoutDays})`,
  })
  parseHoldoutDays(value: string): number {
    return parseInteger(value, 1, MAX_DAYS);
  }

  @Option({
    flags: '--baseline-models-dir <path>',
    description: `with --from-log: the deployed models, scored on the same test rows (default: ${FROM_LOG_DEFAULTS.baselineModelsDir})`,
  })
  parseBaselineModelsDir(value: string): string {
    return parseDirectory(value);
  }
}
