import {
  DeliveredNudgeDto,
  OUTCOME_ACTIONS,
  OutcomeAction,
  REQUEST_LIMITS,
  SlottedNudge,
} from '@app/contract';
import { CalendarDay, deriveSignals, LearnerRecord, NudgeType } from '@app/learner';
import { encodeFeatures } from '@app/ml';
import {
  learnerRecord,
  SimulatedLearner,
  SimulatedSnapshot,
} from '../../offline/simulate/learner-simulator';
import {
  ACTION_COUNT,
  ACTION_INDEX,
  crowdingMultiplier,
  drawActions,
  habitLogits,
  repeatMultiplier,
  slotWeight,
  UPLOAD_RESUME,
  WEEK_DAYS,
} from './platform-story';
import { nudgeEffect, PlatformStory } from './story';

/** A nudge the platform delivered, and whether the learner did its action that day. */
export interface PlatformDelivery extends SlottedNudge {
  readonly day: CalendarDay;
  acted: boolean;
}

/** How far back the platform's `history` reaches, and how many deliveries it holds at most. */
export const HISTORY_DAYS = 60;
export const HISTORY_ITEMS = REQUEST_LIMITS.history;

/**
 * One learner in one world (the one with nudges or the one without): the record as their
 * actions have changed it, their habits, what they were delivered, and whether they have muted
 * nudges.
 */
export interface LearnerWorld {
  readonly story: PlatformStory;
  record: LearnerRecord;
  /** habitLogits as of day 0; an upload ends the chance of another. */
  readonly habits: Float64Array;
  readonly deliveries: PlatformDelivery[];
  /** Mutes after more nudges than this over 7 days (mutingThreshold, the same in both worlds). */
  readonly mutesAbove: number;
  muted: boolean;
}

/** The learner as of day 0 (`start`), in a world of their own under `story`. */
export function enterWorld(
  story: PlatformStory,
  learner: SimulatedLearner,
  snapshot: SimulatedSnapshot,
  start: CalendarDay,
  mutesAbove: number,
): LearnerWorld {
  const record = learnerRecord(learner, snapshot);
  return {
    story,
    record,
    habits: habitLogits(story, encodeFeatures(deriveSignals(record, start)), learner.latent),
    deliveries: [],
    mutesAbove,
    muted: false,
  };
}

export function actionBit(action: OutcomeAction): number {
  return 1 << OUTCOME_ACTIONS.indexOf(action);
}

/** The actions of a day's mask, in OUTCOME_ACTIONS order. */
export function actionsOf(mask: number): OutcomeAction[] {
  return OUTCOME_ACTIONS.filter((_, i) => (mask & (1 << i)) !== 0);
}

const RESUME = actionBit('upload_resume');
const PROJECT = actionBit('add_project');
const QUIZ = actionBit('take_quiz');
const EVENT = actionBit('attend_event');

/**
 * The record the platform sends from the next day on, after a day's actions. A new record, not
 * an edit: the requests already logged keep the record they were made with.
 */
export function applyActions(record: LearnerRecord, mask: number, date: string): LearnerRecord {
  if (mask === 0) return record;
  const { profile, activity } = record.user_data;
  const quiz = (mask & QUIZ) !== 0;
  return {
    user_data: {
      user_id: record.user_data.user_id,
      profile: {
        ...profile,
        resume_uploaded: profile.resume_uploaded || (mask & RESUME) !== 0,
        projects_added: profile.projects_added + ((mask & PROJECT) !== 0 ? 1 : 0),
        quiz_history: quiz ? [...profile.quiz_history, date] : profile.quiz_history,
      },
      activity: {
        ...activity,
        last_quiz_taken: quiz ? date : activity.last_quiz_taken,
        last_event_attended: (mask & EVENT) !== 0 ? date : activity.last_event_attended,
      },
    },
    peer_snapshot: record.peer_snapshot,
  };
}

/**
 * The `history` the platform sends on `today`: the deliveries of the last 60 days, newest last,
 * at most the newest 200 (the request's limit). `dateOf` formats a day.
 */
export function deliveryHistory(
  deliveries: readonly PlatformDelivery[],
  today: CalendarDay,
  dateOf: (day: CalendarDay) => string,
): DeliveredNudgeDto[] {
  let first = deliveries.length;
  while (
    first > 0 &&
    deliveries.length - first < HISTORY_ITEMS &&
    today - deliveries[first - 1].day <= HISTORY_DAYS
  ) {
    first--;
  }
  return deliveries.slice(first).map((delivery) => ({
    type: delivery.type,
    sent_at: dateOf(delivery.day),
    outcome: delivery.acted ? 'acted' : 'ignored',
  }));
}

/** Deliveries on the days from `from` to `to`, both included. */
export function deliveriesBetween(
  deliveries: readonly PlatformDelivery[],
  from: CalendarDay,
  to: CalendarDay,
): number {
  let count = 0;
  for (let i = deliveries.length - 1; i >= 0 && deliveries[i].day >= from; i--) {
    if (deliveries[i].day <= to) count++;
  }
  return count;
}

/** The day a type was last delivered before `today`, if ever. */
function lastDelivered(
  deliveries: readonly PlatformDelivery[],
  type: NudgeType,
  today: CalendarDay,
): CalendarDay | undefined {
  for (let i = deliveries.length - 1; i >= 0; i--) {
    const { day } = deliveries[i];
    if (day < today && deliveries[i].type === type) return day;
  }
  return undefined;
}

/**
 * What today's nudges add to each action's log-odds (in OUTCOME_ACTIONS order), given what was
 * delivered before today: each its type's effect for the learner's features today (`x`, asked
 * for only when the story weighs a feature), scaled by its slot, by how recently the same type
 * came and by how many nudges the past week brought. Two nudges asking for one action add.
 */
export function nudgeEffects(
  story: PlatformStory,
  delivered: readonly SlottedNudge[],
  past: readonly PlatformDelivery[],
  today: CalendarDay,
  x: () => Float64Array,
): Float64Array {
  const effects = new Float64Array(ACTION_COUNT);
  if (delivered.length === 0) return effects;
  const crowding = crowdingMultiplier(story, deliveriesBetween(past, today - WEEK_DAYS, today - 1));
  for (const { type, slot } of delivered) {
    const last = lastDelivered(past, type, today);
    effects[ACTION_INDEX[type]] +=
      nudgeEffect(story, type, x) *
      slotWeight(story, slot) *
      repeatMultiplier(story, last === undefined ? undefined : today - last) *
      crowding;
  }
  return effects;
}

/**
 * Whether a learner mutes nudges today: only after more than `above` of them over the 7 days
 * ending today (today's included), and then with `probability` (`draw` is uniform).
 */
export function mutesToday(
  deliveries: readonly PlatformDelivery[],
  today: CalendarDay,
  draw: number,
  { above, probability }: { readonly above: number; readonly probability: number },
): boolean {
  const week = deliveriesBetween(deliveries, today - (WEEK_DAYS - 1), today);
  return week > above && draw < probability;
}

const NO_EFFECTS = new Float64Array(ACTION_COUNT);

/**
 * One day of one learner in one world, after the platform chose `delivered`: the nudges' effects
 * (from what came before today), the deliveries recorded, muting, then the actions drawn with
 * `draws` (one uniform per action, then the muting draw) and what they change from tomorrow on.
 * Returns the day's actions as a mask.
 */
export function liveDay(
  world: LearnerWorld,
  day: CalendarDay,
  date: string,
  delivered: readonly SlottedNudge[],
  draws: ArrayLike<number>,
): number {
  const { story } = world;
  const record = world.record;
  let features: Float64Array | undefined;
  const x = () => (features ??= encodeFeatures(deriveSignals(record, day)));
  const effects = nudgeEffects(story, delivered, world.deliveries, day, x);
  const first = world.deliveries.length;
  for (const { type, slot } of delivered) world.deliveries.push({ type, slot, day, acted: false });
  const muting = { above: world.mutesAbove, probability: story.muting.probability };
  if (!world.muted && mutesToday(world.deliveries, day, draws[ACTION_COUNT], muting)) {
    world.muted = true;
  }
  const mask = drawActions(world.habits, world.muted ? NO_EFFECTS : effects, draws);
  for (let i = first; i < world.deliveries.length; i++) {
    const delivery = world.deliveries[i];
    delivery.acted = (mask & (1 << ACTION_INDEX[delivery.type])) !== 0;
  }
  world.record = applyActions(world.record, mask, date);
  if ((mask & RESUME) !== 0) world.habits[UPLOAD_RESUME] = Number.NEGATIVE_INFINITY;
  return mask;
}
