import { CalendarDay, todayUtc } from '@app/learner';
import type { PortableEngineState } from '../pipeline/engine-state';

/** Where the engine's files are; read at start-up and again on every reload. */
export interface EngagementModuleOptions {
  /** Path of config.json. */
  readonly configPath: string;
  /** Folder of the trained models and their manifest. */
  readonly modelsDir: string;
  /**
   * A state to start from instead of the files: what another process served (a replacement
   * worker's, handed over by its supervisor, so a file the service refused is never read at
   * start). Reloads read the files as usual.
   */
  readonly startFrom?: HandedOverState;
}

/** An engine state another process served, and why it served no models if it did not. */
export interface HandedOverState {
  readonly engine: PortableEngineState;
  readonly modelsError: string | undefined;
}

export const ENGAGEMENT_OPTIONS = Symbol('ENGAGEMENT_OPTIONS');

/** Where today's date comes from; tests replace it. The engine itself never reads the clock. */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  today(): CalendarDay;
}

export const systemClock: Clock = { today: () => todayUtc() };
