import { EngineConfig, findVariantConfig } from '@app/engagement';

/** Expected shares smaller than this are rounding left over from weights that add up to 1. */
const NO_SHARE = 1e-9;

import { HOLDOUT, TREATED } from './group-of';

export { groupOf, HOLDOUT, TREATED } from './group-of';

/**
 * Each group's expected share of learners under the config, as the API assigns them: the holdout
 * takes holdout_percent; the rest go to the first experiment whose weight ranges hold their
 * bucket (ranges past 1 hold none), each experiment hashing independently; learners no
 * experiment places are `treated`. Groups expected to get no learner are left out.
 */
export function expectedShares({
  holdout_percent,
  experiments,
}: EngineConfig['assignment']): Map<string, number> {
  const held = holdout_percent / 100;
  const shares = new Map<string, number>([[HOLDOUT, held]]);
  let unplaced = 1 - held;
  for (const experiment of experiments) {
    let start = 0;
    let placed = 0;
    for (const variant of experiment.variants) {
      const share = Math.min(start + variant.weight, 1) - Math.min(start, 1);
      start += variant.weight;
      placed += share;
      shares.set(`${experiment.key}=${variant.key}`, unplaced * share);
    }
    unplaced *= 1 - placed;
  }
  shares.set(TREATED, unplaced);
  return new Map([...shares].filter(([, share]) => share > NO_SHARE));
}

/**
 * The config a group's decisions were made under: the base config, or its variant's (a variant
 * with overrides has a config, and a hash, of its own); undefined for a variant the config lacks.
 */
export function groupConfig(config: EngineConfig, group: string): EngineConfig | undefined {
  if (group === HOLDOUT || group === TREATED) return config;
  const at = group.indexOf('=');
  return findVariantConfig(config, {
    experiment: group.slice(0, at),
    variant: group.slice(at + 1),
  });
}

/**
 * The config hash each group the config knows carries in its decisions' policy_version: the base
 * config's for the holdout and treated, each variant's own (a variant with overrides has a config,
 * and a hash, of its own).
 */
export function configHashes(config: EngineConfig): Record<string, string> {
  const groups = [
    HOLDOUT,
    TREATED,
    ...config.assignment.experiments.flatMap(({ key, variants }) =>
      variants.map((variant) => `${key}=${variant.key}`),
    ),
  ];
  return Object.fromEntries(
    groups.flatMap((group) => {
      const hash = groupConfig(config, group)?.hash;
      return hash === undefined ? [] : [[group, hash]];
    }),
  );
}
