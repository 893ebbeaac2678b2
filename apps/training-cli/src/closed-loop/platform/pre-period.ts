import { OutcomeRecord } from '@app/contract';
import { CalendarDay, formatCalendarDate } from '@app/learner';
import { Random, RANDOM_STREAMS } from '../../cli/random';
import { actionBit, actionsOf } from './platform-learner';
import { ACTION_COUNT, drawActions } from './platform-story';

/**
 * The pre-period `simulate-platform` simulates when no --pre-days is given: four weeks, a history
 * any platform that has run for a month has. `uplift`'s CUPED adjusts by each learner's pre-period
 * action rate, and a learner acts on few days, so two weeks measure that rate too noisily: on the
 * default story it narrowed the lift's interval by about 17% with 14 days, about 24% with 28.
 */
export const DEFAULT_PRE_DAYS = 28;

/** A year and a day, as for --days. */
export const MAX_PRE_DAYS = 366;

const RESUME = actionBit('upload_resume');
const NO_EFFECTS = new Float64Array(ACTION_COUNT);

/**
 * A learner's days before day 0, oldest first: no decisions and no nudges, only their habits.
 * The habits are the ones they have on day 0 (`habits`, left unchanged), so the pre-period is
 * the same learner acting unprompted: what makes it a covariate of their days from day 0 on.
 *
 * The draws come from the learner's own stream `prePeriod` (seeded like their days, `daySeed`),
 * never from the population's or the days' streams: with any pre-period, days 0 on are drawn
 * exactly as with none. For the same reason the pre-period changes nothing of the day-0 record,
 * which the learner simulator made as it is: a resume upload is never drawn (that record says
 * whether one was uploaded before day 0), and the quizzes and events drawn here are not written
 * into its `quiz_history` or last dates.
 */
export function livePrePeriod(habits: Float64Array, daySeed: number, preDays: number): Uint8Array {
  const actions = new Uint8Array(preDays);
  if (preDays === 0) return actions;
  const random = new Random(daySeed, RANDOM_STREAMS.prePeriod);
  const draws = new Float64Array(ACTION_COUNT);
  for (let i = 0; i < preDays; i++) {
    for (let k = 0; k < ACTION_COUNT; k++) draws[k] = random.uniform();
    actions[i] = drawActions(habits, NO_EFFECTS, draws) & ~RESUME;
  }
  return actions;
}

/**
 * A learner's pre-period actions as outcome lines, in day order: `actions[i]` is the day
 * `start − actions.length + i`, all before the first decision. No decision led to them, so none
 * names one.
 */
export function prePeriodLines(userId: string, actions: Uint8Array, start: CalendarDay): string {
  let lines = '';
  const first = start - actions.length;
  actions.forEach((mask, i) => {
    if (mask === 0) return;
    const at = formatCalendarDate(first + i);
    for (const action of actionsOf(mask)) {
      const line: OutcomeRecord = { user_id: userId, action, at };
      lines += `${JSON.stringify(line)}\n`;
    }
  });
  return lines;
}
