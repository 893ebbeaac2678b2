import { CalendarDay, todayUtc } from '@app/learner';

/** The validated engine config (`EngineConfig`). */
export const ENGINE_CONFIG = Symbol('ENGINE_CONFIG');

/** Where today's date comes from; tests replace it. The engine itself never reads the clock. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  today(): CalendarDay;
}

export const systemClock: Clock = { today: () => todayUtc() };
