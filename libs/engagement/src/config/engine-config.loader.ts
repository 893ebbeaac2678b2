import { readFileSync } from 'node:fs';
import { validateSync } from 'class-validator';
import { BUNDLED_CATALOGS, catalogProblems, compileCatalogs } from '../messages/message-catalogs';
import { FieldError, fieldError, flattenValidationErrors } from '../validation/field-error';
import { instantiate } from '../validation/instantiate';
import { canonicalJson, deepFreeze, shortHash } from './canonical-json';
import { crossFieldErrors, unknownKeyErrors } from './config-checks';
import { EngineConfigFile, MessageSection } from './engine-config.dto';
import { ConfigError, EngineConfig } from './engine-config';
import { MESSAGE_IDS, MessageId } from './message-templates';

type Catalog = Record<string, string>;

/** Every key a config may have: the defaults, and each message the messages section may name. */
const KNOWN_KEYS = {
  ...new EngineConfigFile(),
  messages: Object.fromEntries(MESSAGE_IDS.map((id) => [id, { title: '', action: '' }])),
};

/**
 * The deprecated `messages` section as English catalog entries (`<id>.title`, `<id>.action`),
 * with any problem an entry has reported under its config path.
 */
function messageOverrides(file: EngineConfigFile, errors: FieldError[]): Catalog {
  const overrides: Catalog = {};
  const sections = file.messages as Partial<Record<MessageId, MessageSection>>;
  for (const id of MESSAGE_IDS) {
    const section = sections[id];
    if (section === undefined) continue;
    for (const field of ['title', 'action'] as const) {
      const key = `${id}.${field}`;
      const problems = catalogProblems('en', { ...BUNDLED_CATALOGS.en, [key]: section[field] });
      const path = `messages.${id}.${field}`;
      // Each problem's message starts with its own path; the config path replaces it.
      for (const problem of problems) {
        errors.push(fieldError(path, problem.message.slice(problem.path.length + 1)));
      }
      overrides[key] = section[field];
    }
  }
  return overrides;
}

function deprecationsOf(overrides: Catalog): string[] {
  const keys = Object.keys(overrides);
  if (keys.length === 0) return [];
  return [
    `config key "messages" is deprecated: its texts (${keys.join(', ')}) override the English catalog; move them into the catalog at libs/engagement/src/messages/catalogs/en.json`,
  ];
}

/**
 * Validates a parsed config document. Missing keys take their defaults; a wrong type, an
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
  unknownKeyErrors(raw, KNOWN_KEYS, '', errors);
  errors.push(...crossFieldErrors(file));
  // Message texts are only checked once every one of them is a string.
  const overrides = errors.length === 0 ? messageOverrides(file, errors) : {};
  if (errors.length > 0) throw new ConfigError(source, errors);

  const sources = { ...BUNDLED_CATALOGS, en: { ...BUNDLED_CATALOGS.en, ...overrides } };
  const canonical = canonicalJson({ config: file, catalogs: sources });
  const settings = deepFreeze({
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
    overlaps: {
      event_recency: [...file.overlaps.event_recency],
      peers_at_events: [...file.overlaps.peers_at_events],
      buddies_at_events: [...file.overlaps.buddies_at_events],
    },
    deprecations: deprecationsOf(overrides),
    canonical,
    hash: shortHash(canonical),
  });
  // The compiled catalogs keep caches of their own, so they are frozen at the surface only.
  return Object.freeze({ ...settings, catalogs: compileCatalogs(sources) });
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
