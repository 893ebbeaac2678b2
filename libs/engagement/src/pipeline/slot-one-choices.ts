import { CandidateNudge, ValidRequest } from '@app/contract';
import { analyzeLearner, EngineState } from './analyze-learner';
import { variantConfig } from '../config/engine-config';
import { explorationPropensity, rankingConfig } from '../policy/exploration';
import { fatigueState } from '../policy/fatigue';

/** A nudge the policy may put in the first slot, and the probability that it does. */
export interface SlotChoice extends CandidateNudge {
  readonly probability: number;
}

/**
 * What the engine's ε-greedy policy does with the first slot for this request, as
 * probabilities rather than one seeded draw, so a log made under another policy can be
 * reweighted to this one (off-policy evaluation). The best candidate has probability
 * (1 − ε) + ε/n and each other one ε/n, with ε the learner's (variant's) config's and n the
 * candidates the slot is drawn from (every rested, worded rule and model nudge). Empty when the
 * policy delivers nothing: the learner is held out, nothing applies, or the 7-day cap is full.
 */
export function slotOneChoices(valid: ValidRequest, state: EngineState): SlotChoice[] {
  const ranked = analyzeLearner(valid, {
    config: rankingConfig(state.config),
    models: state.models,
  });
  if (ranked.assignment.holdout || ranked.nudges.length === 0) return [];
  const config = variantConfig(state.config, ranked.assignment);
  if (fatigueState(valid.deliveries, valid.asOf, config.fatigue).room <= 0) return [];
  const epsilon = config.policy.exploration_epsilon;
  const n = ranked.nudges.length;
  return ranked.nudges.map(({ type, source, score }, i) => ({
    type,
    source,
    score,
    probability: explorationPropensity(i, n, epsilon),
  }));
}
