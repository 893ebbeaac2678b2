import { CalendarDay, todayUtc } from '@app/learner';

/** Where the engine's files are; read at start-up and again on every reload. */
export interface EngagementModuleOptions {
  /** Path of config.json. */
  readonly configPath: string;
  /** Folder of the trained models and their manifest. */
  readonly modelsDir: string;
}

export const ENGAGEMENT_OPTIONS = Symbol('ENGAGEMENT_OPTIONS');

/** Where today's date comes from; tests replace it. The engine itself never reads the clock. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  today(): CalendarDay;
}

export const systemClock: Clock = { today: () => todayUtc() };
