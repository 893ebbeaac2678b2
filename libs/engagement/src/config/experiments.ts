import { FieldError, fieldError, isPlainRecord } from '@app/contract';

export interface VariantSettings {
  readonly key: string;
  readonly weight: number;
  /** Config sections this variant changes, in config.json's shape. */
  readonly overrides: Readonly<Record<string, unknown>>;
}

export interface ExperimentSettings {
  readonly key: string;
  readonly variants: readonly VariantSettings[];
}

/** What a variant may change: everything but the assignment itself. */
export const OVERRIDABLE_SECTIONS: ReadonlySet<string> = new Set([
  'profile_rules',
  'engagement_rules',
  'ml_rules',
  'priority_labels',
  'max_nudges',
  'fomo',
  'overlaps',
  'fatigue',
  'policy',
  'messages',
]);

const MAX_EXPERIMENTS = 20;
const MAX_VARIANTS = 10;
const KEY = /^[\w.-]{1,64}$/;

function variantsOf(raw: unknown, path: string, errors: FieldError[]): VariantSettings[] {
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > MAX_VARIANTS) {
    errors.push(fieldError(path, `must be an array of 2 to ${MAX_VARIANTS} variants`));
    return [];
  }
  const seen = new Set<string>();
  return raw.flatMap((variant: unknown, j): VariantSettings[] => {
    const at = `${path}[${j}]`;
    if (!isPlainRecord(variant)) {
      errors.push(fieldError(at, 'must be an object with key, weight and optional overrides'));
      return [];
    }
    const { key, weight, overrides = {} } = variant;
    const before = errors.length;
    if (typeof key !== 'string' || !KEY.test(key) || seen.has(key)) {
      errors.push(
        fieldError(`${at}.key`, 'must be a unique key of 1 to 64 letters, digits, _ . -'),
      );
    } else seen.add(key);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      errors.push(fieldError(`${at}.weight`, 'must be a number from 0 to 1'));
    }
    if (!isPlainRecord(overrides)) errors.push(fieldError(`${at}.overrides`, 'must be an object'));
    else {
      for (const section of Object.keys(overrides)) {
        if (!OVERRIDABLE_SECTIONS.has(section)) {
          errors.push(
            fieldError(`${at}.overrides.${section}`, 'is not a section a variant may change'),
          );
        }
      }
    }
    return errors.length === before
      ? [
          {
            key: key as string,
            weight: weight as number,
            overrides: overrides as Record<string, unknown>,
          },
        ]
      : [];
  });
}

/** Reads `assignment.experiments`, reporting every problem by its path. */
export function experimentsOf(raw: unknown, errors: FieldError[]): ExperimentSettings[] {
  const path = 'assignment.experiments';
  if (!Array.isArray(raw) || raw.length > MAX_EXPERIMENTS) {
    errors.push(fieldError(path, `must be an array of at most ${MAX_EXPERIMENTS} experiments`));
    return [];
  }
  const seen = new Set<string>();
  return raw.flatMap((experiment: unknown, i): ExperimentSettings[] => {
    const at = `${path}[${i}]`;
    if (!isPlainRecord(experiment)) {
      errors.push(fieldError(at, 'must be an object with key and variants'));
      return [];
    }
    const before = errors.length;
    const { key } = experiment;
    if (typeof key !== 'string' || !KEY.test(key) || seen.has(key)) {
      errors.push(
        fieldError(`${at}.key`, 'must be a unique key of 1 to 64 letters, digits, _ . -'),
      );
    } else seen.add(key);
    const variants = variantsOf(experiment.variants, `${at}.variants`, errors);
    // GrowthBook replaces weights that do not add up to 1 by equal ones; say so instead.
    const total = variants.reduce((sum, v) => sum + v.weight, 0);
    if (errors.length === before && Math.abs(total - 1) > 0.01) {
      errors.push(fieldError(`${at}.variants`, 'must have weights that add up to 1'));
    }
    return errors.length === before ? [{ key: key as string, variants }] : [];
  });
}

/** A config document with a variant's overrides merged in: objects merge, anything else replaces. */
export function withOverrides(
  base: Readonly<Record<string, unknown>>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      isPlainRecord(current) && isPlainRecord(value) ? withOverrides(current, value) : value;
  }
  return merged;
}
