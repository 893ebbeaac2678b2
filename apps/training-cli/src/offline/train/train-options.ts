import { join } from 'node:path';
import type { OptionMetadata } from 'nest-commander';
import { CliOptions, DEFAULT_OPTIONS } from '../../cli/cli-options';
import { LogPaths } from '../../cli/log-file';
import { LOG_PATHS_HELP } from '../../cli/log-options';
import { CLOSED_LOOP_FILES } from '@app/contract';
import { MODEL_OBJECTIVES, ModelObjective } from '@app/ml';
import { RETRAIN_DEFAULTS, RetrainRequest } from '../../closed-loop/retrain/retrain.service';

/** The flags of `--from-log`; none has a commander default, so a stray one can be caught. */
export interface FromLogOptions {
  readonly fromLog?: boolean;
  readonly decisions?: LogPaths;
  readonly outcomes?: LogPaths;
  readonly objective?: ModelObjective;
  readonly rewardDays?: number;
  readonly clip?: number;
  readonly holdoutDays?: number;
  readonly baselineModelsDir?: string;
}

export type TrainOptions = Pick<CliOptions, 'dataDir' | 'modelsDir'> & FromLogOptions;

const FROM_LOG_DEFAULTS = {
  ...RETRAIN_DEFAULTS,
  baselineModelsDir: DEFAULT_OPTIONS.modelsDir,
} as const;

export const MAX_DAYS = 365;
export const MAX_CLIP = 1_000_000;

/** Flags that mean nothing without --from-log, by option key. */
export const FROM_LOG_FLAGS: ReadonlyArray<readonly [keyof FromLogOptions, string]> = [
  ['decisions', '--decisions'],
  ['outcomes', '--outcomes'],
  ['objective', '--objective'],
  ['rewardDays', '--reward-days'],
  ['clip', '--clip'],
  ['holdoutDays', '--holdout-days'],
  ['baselineModelsDir', '--baseline-models-dir'],
];

/** The `--from-log` flags' help: each says its default, which commander does not set. */
export const FROM_LOG_OPTIONS = {
  fromLog: {
    flags: '--from-log',
    description:
      'refit the models on the outcomes of the nudges a platform delivered (--decisions, --outcomes) instead of the dataset',
  },
  decisions: {
    flags: '--decisions <path>',
    description: `with --from-log: the decisions log, ${LOG_PATHS_HELP} (default: <data-dir>/${CLOSED_LOOP_FILES.decisions})`,
  },
  outcomes: {
    flags: '--outcomes <path>',
    description: `with --from-log: the outcomes log, ${LOG_PATHS_HELP} (default: <data-dir>/${CLOSED_LOOP_FILES.outcomes})`,
  },
  objective: {
    flags: `--objective <${MODEL_OBJECTIVES.join('|')}>`,
    description: `with --from-log: propensity (a model per nudge type of acting on it) or uplift (per type a treated model, per action a control model, and training_report.md on their calibration) (default: ${FROM_LOG_DEFAULTS.objective})`,
  },
  rewardDays: {
    flags: '--reward-days <days>',
    description: `with --from-log: days a nudge's action counts for it, the decision's own day included, 1 to ${MAX_DAYS} (default: ${FROM_LOG_DEFAULTS.rewardDays})`,
  },
  clip: {
    flags: '--clip <weight>',
    description: `with --from-log: the largest weight 1/propensity gives a row, 1 to ${MAX_CLIP} (default: ${FROM_LOG_DEFAULTS.clip})`,
  },
  holdoutDays: {
    flags: '--holdout-days <days>',
    description: `with --from-log: the last days of decisions kept to test on, 1 to ${MAX_DAYS} (default: ${FROM_LOG_DEFAULTS.holdoutDays})`,
  },
  baselineModelsDir: {
    flags: '--baseline-models-dir <path>',
    description: `with --from-log: the deployed models, scored on the same test rows (default: ${FROM_LOG_DEFAULTS.baselineModelsDir})`,
  },
} satisfies Record<keyof FromLogOptions, OptionMetadata>;

/** The logs default to the files a platform (or the simulator) writes into --data-dir. */
export function retrainRequest(options: TrainOptions): RetrainRequest {
  return {
    decisions: options.decisions ?? join(options.dataDir, CLOSED_LOOP_FILES.decisions),
    outcomes: options.outcomes ?? join(options.dataDir, CLOSED_LOOP_FILES.outcomes),
    modelsDir: options.modelsDir,
    baselineModelsDir: options.baselineModelsDir ?? FROM_LOG_DEFAULTS.baselineModelsDir,
    objective: options.objective ?? FROM_LOG_DEFAULTS.objective,
    rewardDays: options.rewardDays ?? FROM_LOG_DEFAULTS.rewardDays,
    clip: options.clip ?? FROM_LOG_DEFAULTS.clip,
    holdoutDays: options.holdoutDays ?? FROM_LOG_DEFAULTS.holdoutDays,
  };
}
