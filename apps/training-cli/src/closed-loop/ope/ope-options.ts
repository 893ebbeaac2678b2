import type { OptionMetadata } from 'nest-commander';
import { OPTIONS, PARSE_OPTION, parseClip, parseInteger } from '../../cli/cli-options';
import { OPE_DEFAULTS } from './ope.service';

const MAX_REWARD_DAYS = 365;
const MIN_RESAMPLES = 100;
const MAX_RESAMPLES = 100_000;
const MIN_FOLDS = 2;
const MAX_FOLDS = 20;

/** The estimation flags every command that runs `ope` takes: their help, defaults and limits. */
export const OPE_OPTIONS = {
  clip: {
    flags: '--clip <weight>',
    description: 'the largest |weight| a decision gets, at least 1',
    defaultValue: OPE_DEFAULTS.clip,
  },
  folds: {
    flags: '--folds <k>',
    description: `folds of learners the doubly robust reward model is cross-fitted over, ${MIN_FOLDS} to ${MAX_FOLDS}`,
    defaultValue: OPE_DEFAULTS.folds,
  },
  rewardDays: {
    flags: '--reward-days <days>',
    description: `days after a decision (its own day included) in which any nudgeable action makes its outcome 1, 1 to ${MAX_REWARD_DAYS}`,
    defaultValue: OPE_DEFAULTS.rewardDays,
  },
  bootstrap: {
    flags: '--bootstrap <resamples>',
    description: `bootstrap resamples for the 95% CIs, ${MIN_RESAMPLES} to ${MAX_RESAMPLES}`,
    defaultValue: OPE_DEFAULTS.bootstrap,
  },
  seed: {
    ...OPTIONS.seed,
    description: 'seed of the bootstrap draws and of the folds',
    defaultValue: OPE_DEFAULTS.seed,
  },
} satisfies Record<string, OptionMetadata>;

export const PARSE_OPE_OPTION: {
  readonly [K in keyof typeof OPE_OPTIONS]: (value: string) => number;
} = {
  clip: parseClip,
  folds: (value) => parseInteger(value, MIN_FOLDS, MAX_FOLDS),
  rewardDays: (value) => parseInteger(value, 1, MAX_REWARD_DAYS),
  bootstrap: (value) => parseInteger(value, MIN_RESAMPLES, MAX_RESAMPLES),
  seed: PARSE_OPTION.seed,
};
