import { InvalidArgumentError } from 'commander';
import type { OptionMetadata } from 'nest-commander';
import { parseCalendarDate } from '@app/learner';
import { MAX_USERS } from '../../cli/cli-options';
import { PLATFORM_DEFAULTS } from './platform.service';
import { MAX_PRE_DAYS } from './pre-period';

/** A year and a day: a whole leap year of decisions. */
export const MAX_DAYS = 366;
export const MAX_WINDOW_DAYS = 365;

/** `simulate-platform`'s own flags: flag, help and default, each once. */
export const PLATFORM_OPTIONS = {
  users: {
    flags: '--users <count>',
    description: `learners to simulate, 1 to ${MAX_USERS}`,
    required: true,
  },
  days: {
    flags: '--days <count>',
    description: `days of decisions, 1 to ${MAX_DAYS}`,
    required: true,
  },
  outDir: {
    flags: '--out-dir <path>',
    description: 'folder to write decisions.ndjson, outcomes.ndjson and truth.json to',
    required: true,
  },
  config: {
    flags: '--config <path>',
    description: 'the engine config the platform serves with',
    defaultValue: PLATFORM_DEFAULTS.config,
  },
  story: {
    flags: '--story <path>',
    description:
      'the story file: how learners respond to nudges (JSON, every key optional; docs/closed-loop.md)',
    defaultValue: PLATFORM_DEFAULTS.story,
  },
  start: {
    flags: '--start <date>',
    description: 'day 0 (YYYY-MM-DD): the first decision, and the day learners are simulated as of',
    defaultValue: PLATFORM_DEFAULTS.start,
  },
  rewardDays: {
    flags: '--reward-days <days>',
    description: `days a decision's top nudge may be acted on for its reward, its own day included, 1 to ${MAX_WINDOW_DAYS}`,
    defaultValue: PLATFORM_DEFAULTS.rewardDays,
  },
  windowDays: {
    flags: '--window-days <days>',
    description: `days after a decision (its own day included) an action counts for the true lift, 1 to ${MAX_WINDOW_DAYS}`,
    defaultValue: PLATFORM_DEFAULTS.windowDays,
  },
  preDays: {
    flags: '--pre-days <days>',
    description: `days each learner lives before day 0 with no decisions and no nudges, their actions logged before the first decision (the pre-period uplift's CUPED adjusts by), 0 to ${MAX_PRE_DAYS}`,
    defaultValue: PLATFORM_DEFAULTS.preDays,
  },
} satisfies Record<string, OptionMetadata>;

/** `--start`: a calendar day, kept as written. */
export function parseStartDate(value: string): string {
  if (parseCalendarDate(value) === null) {
    throw new InvalidArgumentError('Expected a calendar date as YYYY-MM-DD.');
  }
  return value;
}
