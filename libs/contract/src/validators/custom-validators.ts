import 'reflect-metadata';
import { length, ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';
import { parseCalendarDate, utcDayOf } from '@app/learner';
import { dateProblem, dateTimeProblem, PROBLEMS, REQUEST_LIMITS } from '../request/limits';
import { isLocaleTag } from '../request/locale-tag';

/** A real `YYYY-MM-DD` calendar date: `2025-02-30` is refused, not rolled over. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && parseCalendarDate(value) !== null,
        defaultMessage: (args) => dateProblem(args?.value),
      },
    },
    options,
  );
}

/**
 * An identifier (user_id, a delivered decision_id) holds no control character (C0, DEL, C1), no
 * format character (Cf: bidi overrides, zero-width spaces, the BOM), no line or paragraph
 * separator and no unpaired surrogate: each makes an id print, log or compare as something it is
 * not. For the OpenAPI document too; it needs a Unicode-aware regex (`u`), as JSON Schema's does.
 */
export const PLAIN_IDENTIFIER_PATTERN = '^[^\\p{Cc}\\p{Cf}\\p{Cs}\\p{Zl}\\p{Zp}]*$';
const PLAIN_IDENTIFIER = new RegExp(PLAIN_IDENTIFIER_PATTERN, 'u');

/** True when `value` has none of the characters an identifier may not hold. */
export function isPlainIdentifier(value: string): boolean {
  return PLAIN_IDENTIFIER.test(value);
}

/** A string that is a plain identifier (see PLAIN_IDENTIFIER_PATTERN); put it above IsString. */
export function IsPlainIdentifier(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPlainIdentifier',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isPlainIdentifier(value),
        defaultMessage: () => PROBLEMS.plainId,
      },
    },
    options,
  );
}

/** The shape of a `YYYY-MM-DD` date or an RFC 3339 date-time, for the OpenAPI document. */
export const DATE_OR_DATE_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}([Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2}))?$';

/** A `YYYY-MM-DD` date or an RFC 3339 date-time (see `utcDayOf`). */
export function IsDateOrDateTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateOrDateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && utcDayOf(value) !== null,
        defaultMessage: (args) => dateTimeProblem(args?.value),
      },
    },
    options,
  );
}

type DtoClass = new () => object;

const ITEM_TYPE = 'engagement:nestedItemType';

/**
 * `@ValidateNested({ each: true })` over an array of `type` DTOs. TypeScript emits an array
 * property's type as plain Array, so the entry class is recorded for the builders of DTO instances.
 */
export function ValidateNestedEach(
  type: () => DtoClass,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, property) => {
    ValidateNested({ ...options, each: true })(target, property);
    Reflect.defineMetadata(ITEM_TYPE, type, target, property);
  };
}

/** The entry class `ValidateNestedEach` recorded for `property` of `cls`, if any. */
export function nestedItemType(cls: DtoClass, property: string): DtoClass | undefined {
  const type: unknown = Reflect.getMetadata(ITEM_TYPE, cls.prototype as object, property);
  return typeof type === 'function' ? (type as () => DtoClass)() : undefined;
}

/** Keys that would reach Object.prototype if a consumer ever merged this map naively. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function attendanceProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object mapping event names to attendee counts';
  }
  // Names, not entries: no pair per event on every request.
  const events = Object.keys(value);
  if (events.length > REQUEST_LIMITS.events) {
    return `must have at most ${REQUEST_LIMITS.events} events`;
  }
  for (const event of events) {
    const peers = (value as Record<string, unknown>)[event];
    if (!isDisplayName(event)) {
      return `must have event names of 1 to ${REQUEST_LIMITS.eventNameLength} characters`;
    }
    if (RESERVED_KEYS.has(event)) return `must not use the reserved event name "${event}"`;
    if (typeof peers !== 'number' || !Number.isInteger(peers) || peers < 0) {
      return `${JSON.stringify([event])} ${PROBLEMS.count}`;
    }
    if (peers > REQUEST_LIMITS.maxCount) return `${JSON.stringify([event])} ${PROBLEMS.countMax}`;
  }
  return null;
}

/**
 * Whether `name` is a display name: 1 to eventNameLength characters, counted as @Length does (an
 * emoji is one character, not two UTF-16 units), so a name valid in buddies_attending_events is
 * valid as a batch_event_attendance key too. That count never exceeds the UTF-16 length and is
 * at least 1 for any name that is not empty, so only a name longer in units than the bound needs
 * it.
 */
function isDisplayName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  if (name.length <= REQUEST_LIMITS.eventNameLength) return name.length > 0;
  return length(name, 1, REQUEST_LIMITS.eventNameLength);
}

/** What is wrong with one event's name: a display name, or one per locale tag. */
function eventNameProblem(event: string, name: unknown): string | null {
  const which = JSON.stringify([event]);
  if (isDisplayName(name)) return null;
  const shape = `${which} must be a display name of 1 to ${REQUEST_LIMITS.eventNameLength} characters, or an object of locale tags to such names`;
  if (typeof name !== 'object' || name === null || Array.isArray(name)) return shape;
  const names = Object.entries(name);
  if (names.length === 0 || names.length > REQUEST_LIMITS.eventNameLocales) {
    return `${which} must name the event in 1 to ${REQUEST_LIMITS.eventNameLocales} locales`;
  }
  for (const [locale, text] of names) {
    if (RESERVED_KEYS.has(locale) || !isLocaleTag(locale)) {
      return `${which} has ${JSON.stringify(locale)}, which is not a BCP 47 language tag`;
    }
    if (!isDisplayName(text)) return shape;
  }
  return null;
}

function eventNamesProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object mapping event keys to display names';
  }
  const entries = Object.entries(value);
  if (entries.length > REQUEST_LIMITS.events) {
    return `must have at most ${REQUEST_LIMITS.events} events`;
  }
  for (const [event, name] of entries) {
    if (!length(event, 1, REQUEST_LIMITS.eventNameLength)) {
      return `must have event keys of 1 to ${REQUEST_LIMITS.eventNameLength} characters`;
    }
    if (RESERVED_KEYS.has(event)) return `must not use the reserved event key "${event}"`;
    const problem = eventNameProblem(event, name);
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * `event_names`: event key → display name, or → { locale tag → display name }, bounded like the
 * attendance map.
 */
export function IsEventNames(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventNames',
      validator: {
        validate: (value: unknown) => eventNamesProblem(value) === null,
        defaultMessage: (args) => eventNamesProblem(args?.value) ?? '',
      },
    },
    options,
  );
}

/** A BCP 47 language tag's shape; whether the locale is served is decided later. */
export function IsLocaleTag(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLocaleTag',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isLocaleTag(value),
        defaultMessage: () => PROBLEMS.locale,
      },
    },
    options,
  );
}

/** `batch_event_attendance`: event name → non-negative integer count, bounded in size. */
export function IsEventAttendance(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventAttendance',
      validator: {
        validate: (value: unknown) => attendanceProblem(value) === null,
        defaultMessage: (args) => attendanceProblem(args?.value) ?? '',
      },
    },
    options,
  );
}
