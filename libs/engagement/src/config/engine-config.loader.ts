import { readFileSync } from 'node:fs';
import { validateSync } from 'class-validator';
import { fieldError, flattenValidationErrors } from '../validation/field-error';
import { instantiate } from '../validation/instantiate';
import { canonicalJson, deepFreeze, shortHash } from './canonical-json';
import { crossFieldErrors, templateErrors, unknownKeyErrors } from './config-checks';
import { EngineConfigFile, MessageSection } from './engine-config.dto';
import { CompiledMessage, ConfigError, EngineConfig } from './engine-config';
import { compileTemplate, MESSAGE_IDS, MessageId } from './message-templates';

function compileMessages(file: EngineConfigFile): Record<MessageId, CompiledMessage> {
  const messages = {} as Record<MessageId, CompiledMessage>;
  for (const id of MESSAGE_IDS) {
    const template = (file.messages as Record<MessageId, MessageSection>)[id];
    messages[id] = {
      title: compileTemplate(template.title),
      action: compileTemplate(template.action),
    };
  }
  return messages;
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
  unknownKeyErrors(raw, new EngineConfigFile(), '', errors);
  // Placeholders are only checked once every message is a string.
  if (errors.length === 0) errors.push(...templateErrors(file));
  errors.push(...crossFieldErrors(file));
  if (errors.length > 0) throw new ConfigError(source, errors);

  const canonical = canonicalJson(file);
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
    messages: compileMessages(file),
    canonical,
    hash: shortHash(canonical),
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
