import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Max,
  Length,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { DEFAULT_FOMO_SETTINGS, FomoSettings } from '@app/fomo';
import { DEFAULT_RULES_CONFIG, NUDGE_TYPES, NudgeType, RulesConfig } from '@app/rules';
import { FieldError, fieldError, flattenValidationErrors } from '../validation/field-error';
import { instantiate } from '../validation/instantiate';
import {
  allowedParams,
  compileTemplate,
  CompiledTemplate,
  DEFAULT_MESSAGES,
  MESSAGE_IDS,
  MessageId,
  placeholdersOf,
} from './message-templates';

export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

const share = { message: 'must be a number from 0 to 1' };
const nonNegative = { message: 'must be a non-negative number' };
const positive = { message: 'must be a positive number' };
const days = { message: 'must be a non-negative whole number of days' };
const priority = { message: `must be one of ${PRIORITIES.join(', ')}` };
const number = { allowNaN: false, allowInfinity: false };
const section = { message: 'must be an object' };

class ProfileRulesSection {
  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  resume_threshold = DEFAULT_RULES_CONFIG.profile_rules.resume_threshold;

  @IsNumber(number, nonNegative)
  @Min(0, nonNegative)
  projects_avg_threshold = DEFAULT_RULES_CONFIG.profile_rules.projects_avg_threshold;

  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  event_fomo_threshold = DEFAULT_RULES_CONFIG.profile_rules.event_fomo_threshold;
}

class EngagementRulesSection {
  @IsInt({ message: 'must be a positive integer' })
  @Min(1, { message: 'must be a positive integer' })
  buddies_event_threshold = DEFAULT_RULES_CONFIG.engagement_rules.buddies_event_threshold;

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  event_peer_threshold = DEFAULT_RULES_CONFIG.engagement_rules.event_peer_threshold;

  @IsInt(days)
  @Min(0, days)
  quiz_inactive_days = DEFAULT_RULES_CONFIG.engagement_rules.quiz_inactive_days;

  @IsInt(days)
  @Min(0, days)
  user_inactive_days = DEFAULT_RULES_CONFIG.engagement_rules.user_inactive_days;

  @IsInt(days)
  @Min(0, days)
  event_gap_days = DEFAULT_RULES_CONFIG.engagement_rules.event_gap_days;
}

class MlRulesSection {
  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  nudge_probability_threshold = 0.6;

  @IsIn(PRIORITIES, priority)
  priority: Priority = 'medium';
}

class PriorityLabelsSection implements Record<NudgeType, Priority> {
  @IsIn(PRIORITIES, priority) resume: Priority = 'high';
  @IsIn(PRIORITIES, priority) project: Priority = 'medium';
  @IsIn(PRIORITIES, priority) event_fomo: Priority = 'high';
  @IsIn(PRIORITIES, priority) quiz: Priority = 'medium';
  @IsIn(PRIORITIES, priority) comeback: Priority = 'high';
}

class FomoWeightsSection {
  @IsNumber(number, nonNegative) @Min(0, nonNegative) buddies =
    DEFAULT_FOMO_SETTINGS.weights.buddies;
  @IsNumber(number, nonNegative) @Min(0, nonNegative) batch = DEFAULT_FOMO_SETTINGS.weights.batch;
  @IsNumber(number, nonNegative) @Min(0, nonNegative) recency =
    DEFAULT_FOMO_SETTINGS.weights.recency;
}

class FomoLevelsSection {
  @IsNumber(number, share) @Min(0, share) @Max(1, share) medium =
    DEFAULT_FOMO_SETTINGS.levels.medium;
  @IsNumber(number, share) @Min(0, share) @Max(1, share) high = DEFAULT_FOMO_SETTINGS.levels.high;
}

class FomoSection {
  @IsObject(section)
  @ValidateNested(section)
  weights: FomoWeightsSection = new FomoWeightsSection();

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  batch_saturation = DEFAULT_FOMO_SETTINGS.batch_saturation;

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  recency_days = DEFAULT_FOMO_SETTINGS.recency_days;

  @IsNumber(number, positive)
  @Min(Number.MIN_VALUE, positive)
  steepness = DEFAULT_FOMO_SETTINGS.steepness;

  @IsNumber(number, share)
  @Min(0, share)
  @Max(1, share)
  midpoint = DEFAULT_FOMO_SETTINGS.midpoint;

  @IsObject(section)
  @ValidateNested(section)
  levels: FomoLevelsSection = new FomoLevelsSection();
}

const text = { message: 'must be a string of 1 to 200 characters' };

class MessageSection {
  @IsString(text) @Length(1, 200, text) title!: string;
  @IsString(text) @Length(1, 200, text) action!: string;
}

class MessagesSection {
  constructor() {
    for (const id of MESSAGE_IDS) {
      Object.assign(this, { [id]: Object.assign(new MessageSection(), DEFAULT_MESSAGES[id]) });
    }
  }
}
for (const id of MESSAGE_IDS) {
  IsObject(section)(MessagesSection.prototype, id);
  ValidateNested(section)(MessagesSection.prototype, id);
  Reflect.defineMetadata('design:type', MessageSection, MessagesSection.prototype, id);
}

/** config/config.json: the report's four sections plus optional additions, all with defaults. */
class EngineConfigFile {
  @IsObject(section)
  @ValidateNested(section)
  profile_rules: ProfileRulesSection = new ProfileRulesSection();

  @IsObject(section)
  @ValidateNested(section)
  engagement_rules: EngagementRulesSection = new EngagementRulesSection();

  @IsObject(section)
  @ValidateNested(section)
  ml_rules: MlRulesSection = new MlRulesSection();

  @IsObject(section)
  @ValidateNested(section)
  priority_labels: PriorityLabelsSection = new PriorityLabelsSection();

  @IsInt({ message: `must be an integer from 1 to ${NUDGE_TYPES.length}` })
  @Min(1, { message: `must be an integer from 1 to ${NUDGE_TYPES.length}` })
  @Max(NUDGE_TYPES.length, { message: `must be an integer from 1 to ${NUDGE_TYPES.length}` })
  max_nudges = 3;

  @IsObject(section)
  @ValidateNested(section)
  fomo: FomoSection = new FomoSection();

  @IsObject(section)
  @ValidateNested(section)
  messages: MessagesSection = new MessagesSection();
}

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

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly FieldError[],
  ) {
    super(`invalid config ${source}: ${errors.map((error) => error.message).join('; ')}`);
    this.name = 'ConfigError';
  }
}

function unknownKeys(raw: unknown, template: object, path: string, out: FieldError[]): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
  for (const [key, value] of Object.entries(raw)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (!Object.prototype.hasOwnProperty.call(template, key)) {
      out.push(fieldError(childPath, 'is not a known config key'));
      continue;
    }
    const child = (template as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) unknownKeys(value, child, childPath, out);
  }
}

function templateErrors(file: EngineConfigFile): FieldError[] {
  const errors: FieldError[] = [];
  const messages = file.messages as Record<MessageId, MessageSection>;
  for (const id of MESSAGE_IDS) {
    const allowed = allowedParams(id);
    for (const field of ['title', 'action'] as const) {
      for (const name of placeholdersOf(messages[id][field])) {
        if (!allowed.includes(name)) {
          const choice = allowed.length === 0 ? 'none' : allowed.map((p) => `{${p}}`).join(', ');
          errors.push(
            fieldError(
              `messages.${id}.${field}`,
              `uses unknown placeholder {${name}} (allowed: ${choice})`,
            ),
          );
        }
      }
    }
  }
  return errors;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    const body = keys.map(
      (k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`,
    );
    return `{${body.join(',')}}`;
  }
  return JSON.stringify(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a parsed config document. Missing keys take the report's defaults; a wrong type, an
 * out-of-range value, an unknown priority label, an unknown key or a bad message placeholder is a
 * ConfigError listing every problem by its key path.
 */
export function buildEngineConfig(raw: unknown, source = 'config'): EngineConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(source, [fieldError('(root)', 'must be a JSON object')]);
  }
  const file = instantiate(EngineConfigFile, raw as Record<string, unknown>);
  const errors = flattenValidationErrors(
    validateSync(file, { stopAtFirstError: true, forbidUnknownValues: true }),
  );
  unknownKeys(raw, new EngineConfigFile(), '', errors);
  if (errors.length === 0) errors.push(...templateErrors(file));
  if (file.fomo.levels.medium > file.fomo.levels.high) {
    errors.push(fieldError('fomo.levels.medium', 'must not be above fomo.levels.high'));
  }
  if (errors.length > 0) throw new ConfigError(source, errors);

  const canonical = canonicalJson(file);
  const messages = {} as Record<MessageId, CompiledMessage>;
  for (const id of MESSAGE_IDS) {
    const template = (file.messages as Record<MessageId, MessageSection>)[id];
    messages[id] = {
      title: compileTemplate(template.title),
      action: compileTemplate(template.action),
    };
  }
  return deepFreeze({
    rules: {
      profile_rules: { ...file.profile_rules },
      engagement_rules: { ...file.engagement_rules },
    },
    fomo: {
      ...file.fomo,
      weights: { ...file.fomo.weights },
      levels: { ...file.fomo.levels },
    },
    ml: { ...file.ml_rules },
    priority_labels: { ...file.priority_labels },
    max_nudges: file.max_nudges,
    messages,
    canonical,
    hash: createHash('sha256').update(canonical).digest('hex').slice(0, 16),
  });
}

/** Reads and validates config.json; every failure names the file and the key path. */
export function loadEngineConfig(path: string): EngineConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      fieldError('(file)', `cannot be read: ${(error as Error).message}`),
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [
      fieldError('(file)', `is not valid JSON: ${(error as Error).message}`),
    ]);
  }
  return buildEngineConfig(raw, path);
}
