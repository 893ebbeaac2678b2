import { ValidRequest } from '@app/contract';
import { NudgeType } from '@app/learner';
import { decideForLearner, EngineState, LearnerFacts, learnerFacts } from './analyze-learner';
import { variantConfig } from '../config/engine-config';
import { rankingConfig } from '../policy/exploration';
import { fatigueState } from '../policy/fatigue';
import { SlatePolicy } from '../policy/slate';

/** A request's slate policy, and what the learner's history did to it. */
export interface RequestSlatePolicy extends SlatePolicy {
  /** Types the history's cooldowns withheld: the policy could not send them this time. */
  readonly coolingDown: ReadonlySet<NudgeType>;
  /**
   * Whether the delivery history changed this policy's choice at all (cooldowns, the cap's room,
   * the recency penalty): a policy that sent otherwise would have made another history.
   */
  readonly historyMatters: boolean;
}

/**
 * What the engine's policy (`state`) does with this request's slots, as probabilities: the
 * nudges it ranks (every rested, worded rule and model nudge, best first), the slots it may fill
 * and its ε, all from the learner's (variant's) config. The learner's holdout is not applied:
 * this is what the policy does for a learner it serves. Pass the request's `facts` when asking
 * more than one policy about it.
 */
export function slatePolicy(
  valid: ValidRequest,
  state: EngineState,
  facts: LearnerFacts = learnerFacts(valid),
): RequestSlatePolicy {
  const ranking = decideForLearner(
    valid,
    { config: rankingConfig(state.config), models: state.models },
    facts,
  );
  const config = variantConfig(state.config, ranking.assignment);
  const fatigue = fatigueState(valid.deliveries, valid.asOf, config.fatigue);
  const rested = fatigueState([], valid.asOf, config.fatigue);
  const slots = Math.max(0, Math.min(config.max_nudges, fatigue.room));
  const restedSlots = Math.max(0, Math.min(config.max_nudges, rested.room));
  // With no slot either way, the history changes nothing.
  const historyMatters =
    slots !== restedSlots ||
    (slots > 0 &&
      (fatigue.coolingDown.size > 0 ||
        [...fatigue.rankWeight.values()].some((weight) => weight !== 1)));
  return {
    ranked: ranking.selection.chosen.map((nudge) => nudge.type),
    slots,
    epsilon: config.policy.exploration_epsilon,
    coolingDown: new Set(fatigue.coolingDown.keys()),
    historyMatters,
  };
}
