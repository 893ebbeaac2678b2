import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_NAMES } from '@app/ml';
import { LatentTraits } from '../../offline/simulate/learner-simulator';
import { ACTION_STORIES, actionLogit } from '../../offline/simulate/generative-story';
import { NUDGE_ACTIONS, OUTCOME_ACTIONS } from '@app/contract';
import { PlatformStory } from './story';

/**
 * The platform simulator's generative story (docs/closed-loop.md, "The platform simulator"): how
 * likely a learner is to do each of the four actions on a day, and how much a delivered nudge
 * changes that, with the numbers of a PlatformStory (story.ts).
 */

/** The days a week of crowding and muting looks back over. */
export const WEEK_DAYS = 7;

/** The actions in OUTCOME_ACTIONS order; an action's bit in a day's mask is 1 << its index. */
export const ACTION_COUNT = OUTCOME_ACTIONS.length;

/** The nudge types whose stories say how likely each action is, in OUTCOME_ACTIONS order. */
const ACTION_TYPES: readonly (readonly NudgeType[])[] = OUTCOME_ACTIONS.map((action) =>
  NUDGE_TYPES.filter((type) => NUDGE_ACTIONS[type] === action),
);

export const ACTION_INDEX: Readonly<Record<NudgeType, number>> = Object.fromEntries(
  NUDGE_TYPES.map((type) => [type, OUTCOME_ACTIONS.indexOf(NUDGE_ACTIONS[type])]),
) as Record<NudgeType, number>;

const RESUME_UPLOADED = FEATURE_NAMES.indexOf('resume_uploaded');
export const UPLOAD_RESUME = OUTCOME_ACTIONS.indexOf('upload_resume');

export function slotWeight({ slot_weights }: PlatformStory, slot: number): number {
  return slot_weights[Math.min(slot, slot_weights.length) - 1];
}

/** `daysSince` is how long ago the same type was last delivered; undefined when it never was. */
export function repeatMultiplier(story: PlatformStory, daysSince: number | undefined): number {
  return daysSince === undefined ? 1 : 1 - 0.5 ** (daysSince / story.repeat_half_life_days);
}

/** `nudges` is how many arrived in the 7 days before today. */
export function crowdingMultiplier({ crowding }: PlatformStory, nudges: number): number {
  return Math.min(1, Math.max(0, 1 - (nudges - crowding.free) / crowding.span));
}

/**
 * A learner's habits: each action's unprompted daily log-odds, from the features the engine sees
 * and the hidden traits as of day 0, fixed for the run (the stories' counts and recencies would
 * otherwise feed on the learner's own actions, and a few learners would act every day). An
 * action two nudge types ask for (attending an event) takes the likelier story; a learner whose
 * resume is uploaded never uploads one.
 */
export function habitLogits(
  story: PlatformStory,
  x: Float64Array,
  latent: LatentTraits,
): Float64Array {
  const logits = new Float64Array(ACTION_COUNT);
  ACTION_TYPES.forEach((types, action) => {
    let best = Number.NEGATIVE_INFINITY;
    for (const type of types) best = Math.max(best, actionLogit(ACTION_STORIES[type], x, latent));
    logits[action] = best - story.unprompted_shift;
  });
  if (x[RESUME_UPLOADED] === 1) logits[UPLOAD_RESUME] = Number.NEGATIVE_INFINITY;
  return logits;
}

/**
 * The day's actions as a bit mask: action i happens when its uniform draw falls below the
 * probability of its habit's log-odds plus the nudges' effect on it.
 */
export function drawActions(
  habits: Float64Array,
  effects: Float64Array,
  uniforms: ArrayLike<number>,
): number {
  let mask = 0;
  for (let i = 0; i < ACTION_COUNT; i++) {
    const probability = 1 / (1 + Math.exp(-(habits[i] + effects[i])));
    if (uniforms[i] < probability) mask |= 1 << i;
  }
  return mask;
}
