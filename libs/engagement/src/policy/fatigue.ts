import { Delivery, SuppressionReason } from '@app/contract';
import { CalendarDay, NudgeType, stableSort } from '@app/learner';
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
 * What the deliveries up to `asOf` say whatever the weekly cap: the cooldowns, the recency
 * weights and the days of the week's deliveries. Policies that differ only in their cap (a
 * replay's ranking and the slate policies it serves) share one.
 */
export interface DeliveryHistory {
  readonly coolingDown: ReadonlyMap<NudgeType, CalendarDay>;
  readonly rankWeight: ReadonlyMap<NudgeType, number>;
  /** The days of the deliveries in the 7 days up to `asOf`, earliest first. */
  readonly weekDays: readonly CalendarDay[];
}

const NO_HISTORY: DeliveryHistory = { coolingDown: new Map(), rankWeight: new Map(), weekDays: [] };

/** The history's part of fatigueState, from `config` but its weekly cap. */
export function deliveryHistory(
  deliveries: readonly Delivery[],
  asOf: CalendarDay,
  config: EngineConfig['fatigue'],
): DeliveryHistory {
  if (deliveries.length === 0) return NO_HISTORY;
  const latestDay = new Map<NudgeType, CalendarDay>();
  const coolingDown = new Map<NudgeType, CalendarDay>();
  const weekDays: CalendarDay[] = [];
  for (const delivery of deliveries) {
    const { type, day } = delivery;
    if (day > (latestDay.get(type) ?? Number.NEGATIVE_INFINITY)) latestDay.set(type, day);
    // Every delivery rests its type; a dismissed one for longer.
    const factor = delivery.outcome === 'dismissed' ? config.dismissed_cooldown_factor : 1;
    const until = day + Math.ceil(config.cooldown_days[type] * factor);
    if (asOf < until && until > (coolingDown.get(type) ?? Number.NEGATIVE_INFINITY)) {
      coolingDown.set(type, until);
    }
    if (asOf - day < WEEK) weekDays.push(day);
  }
  const rankWeight = new Map<NudgeType, number>();
  for (const [type, day] of latestDay) {
    const age = asOf - day;
    rankWeight.set(type, 1 - config.recency_penalty * 0.5 ** (age / config.recency_half_life_days));
  }
  return { coolingDown, rankWeight, weekDays: stableSort(weekDays, (a, b) => a - b) };
}

/** The fatigue of a history under a weekly cap of `cap` deliveries. */
export function fatigueUnderCap(history: DeliveryHistory, cap: number): FatigueState {
  const { coolingDown, rankWeight, weekDays } = history;
  const room = Math.max(0, cap - weekDays.length);
  // The cap frees a place once enough of the week's deliveries have left the window.
  const capFreesOn = room === 0 && cap > 0 ? weekDays[weekDays.length - cap] + WEEK : null;
  return { coolingDown, room, capFreesOn, rankWeight };
}

/**
 * Cooldowns (longer after a dismissal), the rolling 7-day cap and the recency penalty, from the
 * deliveries up to `asOf`. Stateless: everything comes from the request.
 */
export function fatigueState(
  deliveries: readonly Delivery[],
  asOf: CalendarDay,
  config: EngineConfig['fatigue'],
): FatigueState {
  return fatigueUnderCap(deliveryHistory(deliveries, asOf, config), config.max_nudges_per_7_days);
}
