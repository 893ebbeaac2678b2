import { FomoSettings } from '@app/fomo';
import { NudgeType, Priority } from '@app/learner';
import { RulesConfig } from '@app/rules';
import { FieldError } from '../validation/field-error';
import { CompiledTemplate, MessageId } from './message-templates';

export interface CompiledMessage {
  readonly title: CompiledTemplate;
  readonly action: CompiledTemplate;
}

/** The validated, frozen configuration every service reads. */
export interface EngineConfig {
  readonly rules: RulesConfig;
  readonly fomo: FomoSettings;
  readonly ml: { readonly nudge_probability_threshold: number; readonly priority: Priority };
  readonly priority_labels: Readonly<Record<NudgeType, Priority>>;
  readonly max_nudges: number;
  readonly messages: Readonly<Record<MessageId, CompiledMessage>>;
  /** The effective config (file + defaults) as canonical JSON. */
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
