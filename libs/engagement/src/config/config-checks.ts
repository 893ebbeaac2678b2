import { FieldError, fieldError } from '../validation/field-error';
import { EngineConfigFile, MessageSection } from './engine-config.dto';
import { allowedParams, MESSAGE_IDS, MessageId, placeholdersOf } from './message-templates';

/** Keys the file has and the config does not know: a typo must not silently keep a default. */
export function unknownKeyErrors(
  raw: unknown,
  template: object,
  path = '',
  out: FieldError[] = [],
): FieldError[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (!Object.prototype.hasOwnProperty.call(template, key)) {
      out.push(fieldError(childPath, 'is not a known config key'));
      continue;
    }
    const child = (template as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) unknownKeyErrors(value, child, childPath, out);
  }
  return out;
}

/** Placeholders a message may not use: they would render as "undefined" to a learner. */
export function templateErrors(file: EngineConfigFile): FieldError[] {
  const errors: FieldError[] = [];
  const messages = file.messages as Record<MessageId, MessageSection>;
  for (const id of MESSAGE_IDS) {
    const allowed = allowedParams(id);
    for (const field of ['title', 'action'] as const) {
      for (const name of placeholdersOf(messages[id][field])) {
        if (allowed.includes(name)) continue;
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
  return errors;
}

/** Rules between keys that no single property decorator can state. */
export function crossFieldErrors(file: EngineConfigFile): FieldError[] {
  // Read defensively: this runs even when a section is null or of the wrong type.
  const levels = (file.fomo as Partial<EngineConfigFile['fomo']> | null)?.levels;
  const { medium, high } = (levels ?? {}) as Partial<Record<'medium' | 'high', unknown>>;
  return typeof medium === 'number' && typeof high === 'number' && medium > high
    ? [fieldError('fomo.levels.medium', 'must not be above fomo.levels.high')]
    : [];
}
