import { round2 } from '@app/learner';

/** Weights and constants of the FOMO formula; defaults come from config. */
export interface FomoSettings {
  readonly weights: { readonly buddies: number; readonly batch: number; readonly recency: number };
  /** Attendance at which an event counts as fully popular. */
  readonly batch_saturation: number;
  /** Days without an event at which recency is maxed. */
  readonly recency_days: number;
  readonly steepness: number;
  readonly midpoint: number;
  /** Lower bounds of the medium and high levels. */
  readonly levels: { readonly medium: number; readonly high: number };
}

export const DEFAULT_FOMO_SETTINGS: FomoSettings = {
  weights: { buddies: 0.4, batch: 0.3, recency: 0.3 },
  batch_saturation: 10,
  recency_days: 30,
  steepness: 5,
  midpoint: 0.5,
  levels: { medium: 0.3, high: 0.7 },
};

export interface FomoInput {
  /** Entries of `buddies_attending_events`. */
  readonly buddiesAttending: number;
  readonly buddyCount: number;
  /** `batch_event_attendance` entries: [event, peers attending]. */
  readonly eventAttendance: ReadonlyArray<readonly [string, number]>;
  /** Null when the learner never attended an event. */
  readonly daysSinceLastEvent: number | null;
}

export type FomoLevel = 'low' | 'medium' | 'high';

export interface FomoResult {
  /** Rounded to 2 places; the rounded value is what rules and levels compare. */
  readonly score: number;
  readonly level: FomoLevel;
  readonly days_since_last_event: number | null;
  readonly factors: { readonly buddies: number; readonly batch: number; readonly recency: number };
}

export function fomoLevel(score: number, levels: FomoSettings['levels']): FomoLevel {
  if (score >= levels.high) return 'high';
  return score >= levels.medium ? 'medium' : 'low';
}

/**
 * The event-FOMO score: a weighted sum of the buddy, batch and recency factors pushed
 * through a logistic curve. Factors are reported rounded; the sum uses them unrounded.
 */
export function computeFomo(input: FomoInput, settings: FomoSettings): FomoResult {
  const buddies =
    input.buddyCount === 0 ? 0 : Math.min(input.buddiesAttending / input.buddyCount, 1);

  const events = input.eventAttendance;
  let saturationSum = 0;
  for (const [, peers] of events) saturationSum += Math.min(peers / settings.batch_saturation, 1);
  const batch = events.length === 0 ? 0 : saturationSum / events.length;

  const recency =
    input.daysSinceLastEvent === null
      ? 1
      : Math.min(input.daysSinceLastEvent / settings.recency_days, 1);

  const { weights } = settings;
  const x = weights.buddies * buddies + weights.batch * batch + weights.recency * recency;
  const score = round2(1 / (1 + Math.exp(-settings.steepness * (x - settings.midpoint))));
  return {
    score,
    level: fomoLevel(score, settings.levels),
    days_since_last_event: input.daysSinceLastEvent,
    factors: { buddies: round2(buddies), batch: round2(batch), recency: round2(recency) },
  };
}
