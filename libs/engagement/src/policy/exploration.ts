import { NUDGE_TYPES } from '@app/learner';
import { EngineConfig } from '../config/engine-config';

/**
 * ε-greedy exploration: the probability that a slot takes the candidate at `index` of the `n`
 * left (0 the best): the best one with probability (1 − ε) + ε/n, each other one ε/n.
 */
export function explorationPropensity(index: number, n: number, epsilon: number): number {
  return (index === 0 ? 1 - epsilon : 0) + epsilon / n;
}

/** Above any real weekly cap: the ranking run must show every candidate. */
const NO_CAP = Number.MAX_SAFE_INTEGER;

/** Made once per config: a replay of a log asks for it on every decision. */
const rankingConfigs = new WeakMap<EngineConfig, EngineConfig>();

/**
 * The config with exploration off, a slot for every type and no weekly cap: the engine then
 * delivers all of its candidates in rank order, and ranks and words them as the config itself
 * would, since neither depends on ε, `max_nudges` or the cap (the cap only decides whether there
 * is room at all, which slatePolicy reads on its own).
 */
export function rankingConfig(config: EngineConfig): EngineConfig {
  const known = rankingConfigs.get(config);
  if (known !== undefined) return known;
  const rankAll = (settings: EngineConfig): EngineConfig => ({
    ...settings,
    max_nudges: NUDGE_TYPES.length,
    policy: { ...settings.policy, exploration_epsilon: 0 },
    fatigue: { ...settings.fatigue, max_nudges_per_7_days: NO_CAP },
  });
  const ranking = {
    ...rankAll(config),
    variants: new Map([...config.variants].map(([key, variant]) => [key, rankAll(variant)])),
  };
  rankingConfigs.set(config, ranking);
  return ranking;
}
