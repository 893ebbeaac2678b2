import { Command, Option } from 'nest-commander';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import {
  OPTIONS,
  PARSE_OPTION,
  parseChoice,
  parseClip,
  parseDirectory,
  parseInteger,
} from '../../cli/cli-options';
import { LogPaths } from '../../cli/log-file';
import { parseLogPaths } from '../../cli/log-options';
import { ProgressService, warnOnStderr } from '../../cli/progress.service';
import { MODEL_OBJECTIVES, ModelObjective } from '@app/ml';
import { RetrainService } from '../../closed-loop/retrain/retrain.service';
import {
  FROM_LOG_FLAGS,
  FROM_LOG_OPTIONS,
  MAX_CLIP,
  MAX_DAYS,
  retrainRequest,
  TrainOptions,
} from './train-options';
import { TrainService } from './train.service';

/** `train` on the dataset (TrainService), or with --from-log on a platform's logs (RetrainService). */
@Command({
  name: 'train',
  description:
    "train one logistic model per nudge type on the dataset: <models-dir>/<type>/model.json + weights.bin and manifest.json; with --from-log, on the delivered nudges' outcomes in a decisions and an outcomes log instead, and with --objective uplift a treated model per type and a control model per action",
})
export class TrainCommand extends CliCommand {
  constructor(
    private readonly training: TrainService,
    private readonly retraining: RetrainService,
    private readonly progress: ProgressService,
  ) {
    super();
  }

  async run(_args: string[], options: TrainOptions): Promise<void> {
    if (options.fromLog === true) {
      const summary = await this.retraining.train(retrainRequest(options), warnOnStderr);
      for (const line of summary) this.progress.summary(line);
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

  @Option(FROM_LOG_OPTIONS.fromLog)
  parseFromLog(): boolean {
    return true;
  }

  @Option(FROM_LOG_OPTIONS.decisions)
  parseDecisions(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option(FROM_LOG_OPTIONS.outcomes)
  parseOutcomes(value: string, previous: LogPaths | undefined): string[] {
    return parseLogPaths(value, previous);
  }

  @Option(FROM_LOG_OPTIONS.objective)
  parseObjective(value: string): ModelObjective {
    return parseChoice(value, MODEL_OBJECTIVES);
  }

  @Option(FROM_LOG_OPTIONS.rewardDays)
  parseRewardDays(value: string): number {
    return parseInteger(value, 1, MAX_DAYS);
  }

  @Option(FROM_LOG_OPTIONS.clip)
  parseClip(value: string): number {
    return parseClip(value, MAX_CLIP);
  }

  @Option(FROM_LOG_OPTIONS.holdoutDays)
  parseHoldoutDays(value: string): number {
    return parseInteger(value, 1, MAX_DAYS);
  }

  @Option(FROM_LOG_OPTIONS.baselineModelsDir)
  parseBaselineModelsDir(value: string): string {
    return parseDirectory(value);
  }
}
