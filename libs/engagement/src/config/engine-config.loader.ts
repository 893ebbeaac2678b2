import { readFileSync } from 'node:fs';
import { validateSync } from 'class-validator';
import { BUNDLED_CATALOGS, compileCatalogs } from '@app/messages';
import { FieldError, fieldError, flattenValidationErrors, instantiate } from '@app/contract';
import { canonicalJson, deepFreeze, shortHash } from './canonical-json';
import { crossFieldErrors, unknownKeyErrors } from './config-checks';
import { EngineConfigFile } from './engine-config.dto';
import { ConfigError, EngineConfig } from './engine-config';
import { ExperimentSettings, experimentsOf, withOverrides } from './experiments';
import { deprecationsOf, messageOverrides } from './message-overrides';
import { MESSAGE_IDS } from './message-templates';

/** Every key a config may have: the defaults, and each message the messages section may name. */
const KNOWN_KEYS = {
  ...new EngineConfigFile(),
  messages: Object.fromEntries(MESSAGE_IDS.map((id) => [id, { title: '', action: '' }])),
  // A map of the config's own words: its validator checks every entry.
  event_words: null,
};

/** Validates one config document (no variants) into its frozen settings. */
function buildSettings(
  raw: Record<string, unknown>,
  source: string,
  experiments: (errors: FieldError[]) => readonly ExperimentSettings[],
): Omit<EngineConfig, 'variants'> {
  const file = instantiate(EngineConfigFile, raw);
  const errors = flattenValidationErrors(
    validateSync(file, { stopAtFirstError: true, forbidUnknownValues: true }),
  );
  unknownKeyErrors(raw, KNOWN_KEYS, '', errors);
  errors.push(...crossFieldErrors(file));
  const experimentList = experiments(errors);
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
    event_words: { ...file.event_words },
    overlaps: {
      event_recency: [...file.overlaps.event_recency],
      peers_at_events: [...file.overlaps.peers_at_events],
      buddies_at_events: [...file.overlaps.buddies_at_events],
    },
    fatigue: { ...file.fatigue, cooldown_days: { ...file.fatigue.cooldown_days } },
    assignment: {
      holdout_percent: file.assignment.holdout_percent,
      salt: file.assignment.salt,
      experiments: experimentList,
    },
    policy: { ...file.policy, disabled_types: [...new Set(file.policy.disabled_types)] },
    deprecations: deprecationsOf(overrides),
    canonical,
    hash: shortHash(canonical),
  });
  // The compiled catalogs keep caches of their own, so they are frozen at the surface only.
  return { ...settings, catalogs: compileCatalogs(sources) };
}

/**
 * Validates a parsed config document. Missing keys take their defaults; a wrong type, an
 * out-of-range value, an unknown priority label, an unknown key, a bad message placeholder or a
 * bad experiment is a ConfigError listing every problem by its key path. Each experiment variant
 * with overrides gets a config of its own, validated the same way.
 */
export function buildEngineConfig(raw: unknown, source = 'config'): EngineConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(source, [fieldError('(root)', 'must be a JSON object')]);
  }
  const document = raw as Record<string, unknown>;
  const assignment = document.assignment;
  const rawExperiments =
    typeof assignment === 'object' && assignment !== null && !Array.isArray(assignment)
      ? (assignment as Record<string, unknown>).experiments
      : undefined;
  const base = buildSettings(document, source, (errors) =>
    rawExperiments === undefined ? [] : experimentsOf(rawExperiments, errors),
  );
  const variants = new Map<string, EngineConfig>();
  const config: EngineConfig = Object.freeze({ ...base, variants });
  const errors: FieldError[] = [];
  base.assignment.experiments.forEach((experiment, i) => {
    experiment.variants.forEach((variant, j) => {
      if (Object.keys(variant.overrides).length === 0) {
        variants.set(`${experiment.key}/${variant.key}`, config);
        return;
      }
      const path = `assignment.experiments[${i}].variants[${j}].overrides`;
      try {
        const merged = withOverrides(document, variant.overrides);
        const settings = buildSettings(merged, source, () => base.assignment.experiments);
        variants.set(`${experiment.key}/${variant.key}`, Object.freeze({ ...settings, variants }));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const e of error.errors)
          errors.push(fieldError(`${path}.${e.path}`, e.message.slice(e.path.length + 1)));
      }
    });
  });
  if (errors.length > 0) throw new ConfigError(source, errors);
  return config;
}

/** Reads and parses config.json, not yet validated; a failure names the file. */
export function readEngineConfigDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      fieldError('(file)', `cannot be read: ${(error as Error).message}`),
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [
      fieldError(
        '(file)',
        `is not valid JSON: ${withLineAndColumn((error as Error).message, text)}`,
      ),
    ]);
  }
}

/**
 * JSON.parse's message with its character offset ("at position 44") given as the line and column
 * an editor shows (1-based), and the end of the input placed the same way.
 */
export function withLineAndColumn(message: string, text: string): string {
  const at = (offset: number): string => {
    const before = text.slice(0, offset).split('\n');
    return `line ${before.length} column ${before[before.length - 1].length + 1}`;
  };
  const position = /at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  if (position !== null) return message.replace(position[0], `at ${at(Number(position[1]))}`);
  if (message === 'Unexpected end of JSON input') return `${message} at ${at(text.length)}`;
  return message;
}

/** Reads and validates config.json; every failure names the file and the key path. */
export function loadEngineConfig(path: string): EngineConfig {
  return buildEngineConfig(readEngineConfigDocument(path), path);
}
