import { AssignmentResult, FieldError } from '@app/contract';
import { FomoSettings } from '@app/fomo';
import { NudgeType, Priority } from '@app/learner';
import { MessageCatalogs } from '@app/messages';
import { ModelObjective } from '@app/ml/inference';
import { Claim, RulesConfig } from '@app/rules';
import { ExperimentSettings } from './experiments';

/** The validated, frozen configuration every service reads. */
export interface EngineConfig {
  readonly rules: RulesConfig;
  readonly fomo: FomoSettings;
  readonly ml: { readonly nudge_probability_threshold: number; readonly priority: Priority };
  readonly priority_labels: Readonly<Record<NudgeType, Priority>>;
  readonly max_nudges: number;
  /** How words of event keys are written when an event has no display name (`iit` → `IIT`). */
  readonly event_words: Readonly<Record<string, string>>;
  /** For each fact, the nudge types that may not both state it in one answer. */
  readonly overlaps: Readonly<Record<Claim, readonly NudgeType[]>>;
  /** How often a learner may be nudged, judged from the request's history. */
  readonly fatigue: {
    readonly cooldown_days: Readonly<Record<NudgeType, number>>;
    readonly dismissed_cooldown_factor: number;
    readonly max_nudges_per_7_days: number;
    readonly recency_half_life_days: number;
    readonly recency_penalty: number;
  };
  readonly assignment: {
    readonly holdout_percent: number;
    readonly salt: string;
    readonly experiments: readonly ExperimentSettings[];
  };
  readonly policy: {
    readonly exploration_epsilon: number;
    readonly disabled_types: readonly NudgeType[];
    readonly objective: ModelObjective;
    readonly min_uplift: number;
  };
  /** Each experiment variant's config by `<experiment>/<variant>`. */
  readonly variants: ReadonlyMap<string, EngineConfig>;
  /** The message catalogs, compiled, with any overrides from the config applied. */
  readonly catalogs: MessageCatalogs;
  /** Config keys that still work but should be moved, one line each, logged at start-up. */
  readonly deprecations: readonly string[];
  /** The effective config (file + defaults + catalogs) as canonical JSON. */
  readonly canonical: string;
  /** First 16 hex digits of the canonical JSON's SHA-256, reported by /version. */
  readonly hash: string;
}

/** A config that cannot be served; `errors` names every offending key by its path. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly FieldError[],
  ) {
    super(`invalid config ${source}: ${errors.map((error) => error.message).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** The config of the learner's experiment variant, if they are in one the config has. */
export function findVariantConfig(
  config: EngineConfig,
  { experiment, variant }: Pick<AssignmentResult, 'experiment' | 'variant'>,
): EngineConfig | undefined {
  return experiment === undefined ? undefined : config.variants.get(`${experiment}/${variant}`);
}

/**
 * The config a learner is served: their experiment variant's (its FOMO settings, rule thresholds
 * and policy are its own), else the config itself.
 */
export function variantConfig(
  config: EngineConfig,
  assignment: Pick<AssignmentResult, 'experiment' | 'variant'>,
): EngineConfig {
  return findVariantConfig(config, assignment) ?? config;
}
