import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_NAMES } from '@app/ml/inference';
import { MESSAGE_PARAMS, REASON_PARAMS } from '@app/rules';

/** Model nudges' messages: a model comeback speaks only of a learner away from events. */
export const ML_MESSAGE_PARAMS: Readonly<Record<NudgeType, readonly string[]>> = {
  resume: ['probability'],
  project: ['probability'],
  quiz: ['probability'],
  event_fomo: ['probability'],
  comeback: ['probability', 'days'],
};

/** A message given `days` is also given `gap`, the same span in words. */
function withGap(params: readonly string[]): readonly string[] {
  return params.includes('days') ? [...params, 'gap'] : params;
}

const CONTRACT: Readonly<Record<string, readonly string[]>> = {
  // A time span: `unit` is days, months, years or over_years; the counts are whole numbers.
  gap: ['unit', 'days', 'months', 'years'],
  more_events: ['count'],
  ...Object.fromEntries(
    Object.entries(MESSAGE_PARAMS).flatMap(([id, params]) => [
      [`${id}.title`, params],
      [`${id}.action`, params],
    ]),
  ),
  ...Object.fromEntries(
    NUDGE_TYPES.flatMap((type) => [
      [`ml_${type}.title`, ML_MESSAGE_PARAMS[type]],
      [`ml_${type}.action`, ML_MESSAGE_PARAMS[type]],
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(REASON_PARAMS).map(([id, params]) => [`reason.${id}`, params]),
  ),
  'reason.model': ['probability', 'threshold'],
  'reason.model_up': ['factors'],
  'reason.model_down': ['factors'],
  'reason.uplift': ['direction', 'action', 'days', 'points', 'treated', 'control'],
  ...Object.fromEntries(
    FEATURE_NAMES.flatMap((name) => [
      [`feature.${name}.high`, []],
      [`feature.${name}.low`, []],
    ]),
  ),
  ...Object.fromEntries(NUDGE_TYPES.map((type) => [`type.${type}`, []])),
  'suppressed.cooldown': ['type', 'date'],
  'suppressed.weekly_cap': ['date'],
  'suppressed.weekly_cap_none': [],
  'suppressed.holdout': [],
  'suppressed.no_uplift': ['predicted', 'minimum'],
};

/**
 * Every message the engine renders, with the parameters the code passes to it. A catalog must
 * hold every key, and may use only these parameters (it need not use them all). Values are
 * numbers (shares are 0..1, so `{share, number, percent}` reads 84%), already-rendered text
 * (`gap`, `events`, `factors`, `type`) or a day (`date`, UTC midnight in milliseconds, written
 * `{date, date, long}`).
 */
export const CATALOG_PARAMS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(CONTRACT).map(([key, params]) => [key, key === 'gap' ? params : withGap(params)]),
);

export const CATALOG_KEYS: readonly string[] = Object.keys(CATALOG_PARAMS);
