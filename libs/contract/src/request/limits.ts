import { looksLikeIsoDate, NUDGE_TYPES, parseCalendarDate } from '@app/learner';

/** The longest decision id a caller may send, and so the longest a decision log may hold. */
export const MAX_DECISION_ID_LENGTH = 64;

/** Sizes a request may have; anything larger is a 400 naming the field. */
export const REQUEST_LIMITS = {
  idLength: 128,
  tagLength: 64,
  goalTags: 50,
  quizHistory: 500,
  clubs: 100,
  eventNameLength: 128,
  /** Locales one event may be named in (`event_names`). */
  eventNameLocales: 16,
  localeLength: 35,
  events: 200,
  /** Delivered nudges in `history`. */
  history: 200,
  decisionIdLength: MAX_DECISION_ID_LENGTH,
  /** Counts fit comfortably in a double and in any platform's integer column. */
  maxCount: 1_000_000_000,
  maxAvgProjects: 1_000_000,
} as const;

/** What became of a delivered nudge, as the platform observed it. */
export const DELIVERY_OUTCOMES = ['acted', 'dismissed', 'ignored'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Problem texts shared by the DTO decorators; the path is prepended when reported. */
export const PROBLEMS = {
  required: 'is required',
  object: 'must be an object',
  boolean: 'must be a boolean (true or false)',
  count: 'must be a non-negative integer',
  countMax: `must be at most ${REQUEST_LIMITS.maxCount}`,
  number: 'must be a non-negative number',
  avgMax: `must be at most ${REQUEST_LIMITS.maxAvgProjects}`,
  percent: 'must be a number from 0 to 100',
  date: 'must be a calendar date in YYYY-MM-DD format',
  quizDate:
    'looks like a date but is not one in YYYY-MM-DD format or an RFC 3339 date-time (a topic must not look like a date)',
  locale: `must be a BCP 47 language tag such as en, es or hi-IN (at most ${REQUEST_LIMITS.localeLength} characters)`,
  userId: `must be a string of 1 to ${REQUEST_LIMITS.idLength} characters`,
  plainId:
    'must not contain control characters, format characters (such as U+200B or U+202E), line separators or unpaired surrogates',
  goalTags: `must be an array of at most ${REQUEST_LIMITS.goalTags} strings of at most ${REQUEST_LIMITS.tagLength} characters`,
  quizHistory: `must be an array of at most ${REQUEST_LIMITS.quizHistory} strings of at most ${REQUEST_LIMITS.tagLength} characters`,
  clubs: `must be an array of at most ${REQUEST_LIMITS.clubs} strings of at most ${REQUEST_LIMITS.tagLength} characters`,
  eventList: `must be an array of at most ${REQUEST_LIMITS.events} event names of 1 to ${REQUEST_LIMITS.eventNameLength} characters`,
  history: `must be an array of at most ${REQUEST_LIMITS.history} objects`,
  nudgeType: `must be one of ${NUDGE_TYPES.join(', ')}`,
  sentAt:
    'must be a calendar date in YYYY-MM-DD format or an RFC 3339 date-time such as 2025-06-28T09:30:00Z',
  outcome: `must be one of ${DELIVERY_OUTCOMES.join(', ')}`,
  deliveryDecisionId: `must be a string of 1 to ${REQUEST_LIMITS.decisionIdLength} characters`,
  decisionId: `must be a string of 1 to ${REQUEST_LIMITS.decisionIdLength} printable ASCII characters, without spaces`,
} as const;

/**
 * What is wrong with a value where a `YYYY-MM-DD` date belongs: a date of the right shape that
 * does not exist (`2025-02-30`) says so; anything else gets the format.
 */
export function dateProblem(value: unknown): string {
  return typeof value === 'string' && looksLikeIsoDate(value)
    ? `must be a real calendar date: ${value} does not exist`
    : PROBLEMS.date;
}

/**
 * The date part of a value written as `YYYY-MM-DD` or a date-time starting so, when that day
 * does not exist (`2025-02-29` of `2025-02-29T10:00:00Z`); undefined otherwise.
 */
export function nonexistentDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const datePart = value.slice(0, 10);
  return looksLikeIsoDate(datePart) && parseCalendarDate(datePart) === null ? datePart : undefined;
}

/**
 * What is wrong with a value where a date or an RFC 3339 date-time belongs: one whose date part
 * has the right shape but does not exist (`2025-02-29T10:00:00Z`) says so.
 */
export function dateTimeProblem(value: unknown): string {
  const day = nonexistentDay(value);
  return day !== undefined ? `must be a real date: ${day} does not exist` : PROBLEMS.sentAt;
}
