import { Delivery, SuppressionReason } from '@app/contract';
import { CalendarDay, NudgeType } from '@app/learner';
import { EngineConfig } from '../config/engine-config';

/** A nudge the engine would have given and withheld, and when it may be given again. */
export interface Suppression {
  readonly type: NudgeType;
  readonly reason: SuppressionReason;
  readonly eligibleAgainOn: CalendarDay | null;
  /** For `no_uplift`: the predicted uplift, and the `policy.min_uplift` it fell below. */
  readonly uplift?: { readonly predicted: number; readonly minimum: number };
}

/** What the history allows on `as_of`. */
export interface FatigueState {
  /** Types still in their cooldown, with the first day they may be sent again. */
  readonly coolingDown: ReadonlyMap<NudgeType, CalendarDay>;
  /** Deliveries the 7-day cap still allows. */
  readonly room: number;
  /** The day the cap next frees a place, when it has none. */
  readonly capFreesOn: CalendarDay | null;
  /** Ranking weight of a type: 1 − γ·0.5^(d/h) for a type last delivered d days ago, else 1. */
  readonly rankWeight: ReadonlyMap<NudgeType, number>;
}

const WEEK = 7;

export const NO_FATIGUE: FatigueState = {
  coolingDown: new Map(),
  room: Number.POSITIVE_INFINITY,
  capFreesOn: null,
  rankWeight: new Map(),
};

/**
 * Cooldowns (longer after a dismissal), the rolling 7-day cap and the recency penalty, from the
 * deliveries up to `asOf`. Stateless: everything comes from the request.
 */
export function fatigueState(
  deliveries: readonly Delivery[],
  asOf: CalendarDay,
  config: EngineConfig['fatigue'],
): FatigueState {
  if (deliveries.length === 0) return { ...NO_FATIGUE, room: config.max_nudges_per_7_days };
  const latestDay = new Map<NudgeType, CalendarDay>();
  const coolingDown = new Map<NudgeType, CalendarDay>();
  const inWeek: CalendarDay[] = [];
  for (const delivery of deliveries) {
    const { type, day } = delivery;
    if (day > (latestDay.get(type) ?? Number.NEGATIVE_INFINITY)) latestDay.set(type, day);
    // Every delivery rests its type; a dismissed one for longer.
    const factor = delivery.outcome === 'dismissed' ? config.dismissed_cooldown_factor : 1;
    const until = day + Math.ceil(config.cooldown_days[type] * factor);
    if (asOf < until && until > (coolingDown.get(type) ?? Number.NEGATIVE_INFINITY)) {
      coolingDown.set(type, until);
    }
    if (asOf - day < WEEK) inWeek.push(day);
  }
  const rankWeight = new Map<NudgeType, number>();
  for (const [type, day] of latestDay) {
    const age = asOf - day;
    rankWeight.set(type, 1 - config.recency_penalty * 0.5 ** (age / config.recency_half_life_days));
  }
  const cap = config.max_nudges_per_7_days;
  const room = Math.max(0, cap - inWeek.length);
  let capFreesOn: CalendarDay | null = null;
  if (room === 0 && cap > 0) {
    // The cap frees a place once enough of the week's deliveries have left the window.
    const days = inWeek.sort((a, b) => a - b);
    capFreesOn = days[inWeek.length - cap] + WEEK;
  }
  return { coolingDown, room, capFreesOn, rankWeight };
}
