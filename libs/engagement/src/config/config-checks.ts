import { FieldError, fieldError } from '@app/contract';
import { EngineConfigFile } from './engine-config.dto';

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
    // Lists (overlaps) are checked by their validators, not entry by entry.
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
      unknownKeyErrors(value, child, childPath, out);
    }
  }
  return out;
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
