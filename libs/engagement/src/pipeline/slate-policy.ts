import { isDeepStrictEqual } from 'node:util';
import { ValidRequest } from '@app/contract';
import { CalendarDay, NudgeType } from '@app/learner';
import {
  decideForLearner,
  EngineState,
  LearnerDecision,
  LearnerFacts,
  learnerFacts,
} from './analyze-learner';
import { EngineConfig, variantConfig } from '../config/engine-config';
import { rankingConfig } from '../policy/exploration';
import { fatigueUnderCap } from '../policy/fatigue';
import { SlatePolicy } from '../policy/slate';

/** A request's slate policy, and what the learner's history did to it. */
export interface RequestSlatePolicy extends SlatePolicy {
  /**
   * Types the history's cooldowns withheld (with the day each may be sent again): the policy
   * could not send them this time.
   */
  readonly coolingDown: ReadonlyMap<NudgeType, CalendarDay>;
  /**
   * Whether the delivery history changed this policy's choice at all (cooldowns, the cap's room,
   * the recency penalty): a policy that sent otherwise would have made another history.
   */
  readonly historyMatters: boolean;
}

/**
 * The ranking behind a policy's slate: the engine's decision under rankingConfig, which
 * delivers every candidate in rank order. Policies that rank alike (ranksAlike) share it.
 */
export function requestRanking(
  valid: ValidRequest,
  state: EngineState,
  facts: LearnerFacts = learnerFacts(valid),
): LearnerDecision {
  return decideForLearner(
    valid,
    { config: rankingConfig(state.config), models: state.models },
    facts,
    false,
  );
}

/** Whether the recency penalty weighs any type down. */
function anyPenalty(rankWeight: ReadonlyMap<NudgeType, number>): boolean {
  for (const weight of rankWeight.values()) if (weight !== 1) return true;
  return false;
}

/**
 * What the engine's policy (`state`) does with this request's slots, as probabilities: the
 * nudges it ranks (every rested, worded rule and model nudge, best first), the slots it may fill
 * and its ε, all from the learner's (variant's) config. The learner's holdout is not applied:
 * this is what the policy does for a learner it serves. Pass the request's `facts` when asking
 * more than one policy about it, and its `ranking` (requestRanking) when another policy that
 * ranks alike has made it.
 */
export function slatePolicy(
  valid: ValidRequest,
  state: EngineState,
  facts: LearnerFacts = learnerFacts(valid),
  ranking: LearnerDecision = requestRanking(valid, state, facts),
): RequestSlatePolicy {
  const config = variantConfig(state.config, ranking.assignment);
  // The ranking read the history under the same settings but the cap (ranksAlike), so only the
  // cap's room is this policy's own.
  const cap = config.fatigue.max_nudges_per_7_days;
  const fatigue = fatigueUnderCap(ranking.history, cap);
  const slots = Math.max(0, Math.min(config.max_nudges, fatigue.room));
  const restedSlots = Math.max(0, Math.min(config.max_nudges, cap));
  // With no slot either way, the history changes nothing.
  const historyMatters =
    slots !== restedSlots ||
    (slots > 0 && (fatigue.coolingDown.size > 0 || anyPenalty(fatigue.rankWeight)));
  return {
    ranked: ranking.selection.chosen.map((nudge) => nudge.type),
    slots,
    epsilon: config.policy.exploration_epsilon,
    coolingDown: fatigue.coolingDown,
    historyMatters,
  };
}

/**
 * What of a config the ranking reads: all of rankingConfig but its texts (`canonical`, `hash`,
 * `deprecations`), the compiled catalogs (their sources, in `canonical`, stand for them) and the
 * variants, which are compared one by one (a variant's config lists the variants again).
 */
function rankingSettings(config: EngineConfig) {
  const ranking = rankingConfig(config);
  const settings = Object.entries(ranking).filter(([key]) => !NOT_COMPARED.has(key));
  const sources = (JSON.parse(ranking.canonical) as { catalogs: unknown }).catalogs;
  return { settings, sources };
}
const NOT_COMPARED = new Set<string>(['canonical', 'hash', 'deprecations', 'catalogs', 'variants']);

/** A config's own settings rank alike (its variants aside). */
function settingsRankAlike(a: EngineConfig, b: EngineConfig): boolean {
  const left = rankingSettings(a);
  const right = rankingSettings(b);
  return (
    isDeepStrictEqual(left.settings, right.settings) &&
    isDeepStrictEqual(left.sources, right.sources)
  );
}

function configsRankAlike(a: EngineConfig, b: EngineConfig): boolean {
  return (
    settingsRankAlike(a, b) &&
    a.variants.size === b.variants.size &&
    [...a.variants].every(([key, variant]) => {
      const other = b.variants.get(key);
      return other !== undefined && settingsRankAlike(variant, other);
    })
  );
}

/**
 * Whether two policies rank every request alike: their configs differ at most in what
 * slatePolicy reads on its own (ε, `max_nudges`, the weekly cap), and their models are the same
 * (the same set, or sets of the same version). Then one requestRanking serves both.
 */
export function ranksAlike(a: EngineState, b: EngineState): boolean {
  const sameModels =
    a.models === b.models ||
    (a.models !== undefined && b.models !== undefined && a.models.version === b.models.version);
  return sameModels && (a.config === b.config || configsRankAlike(a.config, b.config));
}
