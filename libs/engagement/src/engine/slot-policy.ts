import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { EngineConfig } from '../config/engine-config';
import { ValidRequest } from '../validation/validate-request';
import { analyzeLearner, EngineState } from './analyze';
import { fatigueState } from './fatigue';

/** A nudge the policy may put in the first slot, and the probability that it does. */
export interface SlotChoice {
  readonly type: NudgeType;
  readonly source: 'rule' | 'ml';
  readonly score: number;
  readonly probability: number;
}

/** Above any real weekly cap: the ranking run must show every candidate. */
const NO_CAP = Number.MAX_SAFE_INTEGER;

/**
 * The config with exploration off, a slot for every type and no weekly cap: the engine then
 * delivers all of its candidates in rank order, and ranks and words them as the config itself
 * would, since neither depends on ε, `max_nudges` or the cap (the cap only decides whether there
 * is room at all, which slotOneChoices checks on its own).
 */
function rankingConfig(config: EngineConfig): EngineConfig {
  const rankAll = (settings: EngineConfig): EngineConfig => ({
    ...settings,
    max_nudges: NUDGE_TYPES.length,
    policy: { exploration_epsilon: 0 },
    fatigue: { ...settings.fatigue, max_nudges_per_7_days: NO_CAP },
  });
  return {
    ...rankAll(config),
    variants: new Map([...config.variants].map(([key, variant]) => [key, rankAll(variant)])),
  };
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
  const { holdout, experiment, variant } = ranked.assignment;
  if (holdout || ranked.nudges.length === 0) return [];
  const config =
    experiment === undefined
      ? state.config
      : (state.config.variants.get(`${experiment}/${variant}`) ?? state.config);
  if (fatigueState(valid.deliveries, valid.asOf, config.fatigue).room <= 0) return [];
  const epsilon = config.policy.exploration_epsilon;
  const n = ranked.nudges.length;
  return ranked.nudges.map(({ type, source, score }, i) => ({
    type,
    source,
    score,
    probability: (i === 0 ? 1 - epsilon : 0) + epsilon / n,
  }));
}
