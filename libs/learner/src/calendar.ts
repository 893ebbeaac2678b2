const MS_PER_DAY = 86_400_000;
const ZERO = 48;
const DASH = 45;
const DATE_LENGTH = 'YYYY-MM-DD'.length;

/** A calendar date as whole days since 1970-01-01 (UTC). */
export type CalendarDay = number;

function digitAt(value: string, index: number): number {
  const digit = value.charCodeAt(index) - ZERO;
  return digit >= 0 && digit <= 9 ? digit : -1;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9] as const;

/**
 * True when the string is written as a date in some notation: digits in three groups joined by
 * `-`, `/` or `.` (2025-06-01, 01/06/2025, 1.6.2025), alone or followed by a time. Such a string
 * is never a quiz topic: read as a date, or refused.
 */
export function looksLikeDate(value: string): boolean {
  return DATE_LIKE.test(value);
}

const DATE_LIKE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:$|[Tt ])/;

/** True when the string has the `YYYY-MM-DD` shape (whether or not the date exists). */
export function looksLikeIsoDate(value: string): boolean {
  if (value.length !== DATE_LENGTH || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH)
    return false;
  for (const i of DIGIT_POSITIONS) if (digitAt(value, i) < 0) return false;
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days from 1970-01-01 to a valid proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): CalendarDay {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Parses `YYYY-MM-DD` into a day number, or null when the shape is wrong or the date does not
 * exist (`2025-02-30`, `2023-02-29`): Date.UTC would roll those over instead. Plain arithmetic,
 * each digit read once, because every request parses several dates (a decision log line a dozen).
 */
export function parseCalendarDate(value: string): CalendarDay | null {
  if (
    value.length !== DATE_LENGTH ||
    value.charCodeAt(4) !== DASH ||
    value.charCodeAt(7) !== DASH
  ) {
    return null;
  }
  const y0 = digitAt(value, 0);
  const y1 = digitAt(value, 1);
  const y2 = digitAt(value, 2);
  const y3 = digitAt(value, 3);
  const m0 = digitAt(value, 5);
  const m1 = digitAt(value, 6);
  const d0 = digitAt(value, 8);
  const d1 = digitAt(value, 9);
  // digitAt gives −1 for a character that is not a digit: the OR is negative when any is.
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return null;
  const monthLength = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthLength) return null;
  return daysFromCivil(year, month, day);
}

/** `YYYY-MM-DD` of a day number (Hinnant's civil_from_days), without a Date object. */
export function formatCalendarDate(day: CalendarDay): string {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(date)}`;
}

/** A day's start, UTC midnight, in milliseconds since 1970: what `Intl` date formats take. */
export function utcMidnightOf(day: CalendarDay): number {
  return day * MS_PER_DAY;
}

/** Today's date in UTC: the default `as_of`. The only wall-clock read; callers pass it in. */
export function todayUtc(now: Date = new Date()): CalendarDay {
  return Math.floor(now.getTime() / MS_PER_DAY);
}

/**
 * RFC 3339 `date-time`: date, `T`, `HH:MM:SS`, an optional fraction, then `Z` or `±HH:MM`. The RFC
 * lets `T` and `Z` be lower case; ranges (hour 23, minute and second 59) are checked after.
 */
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const MINUTES_PER_DAY = 24 * 60;

/**
 * The UTC day of a `YYYY-MM-DD` date or of an RFC 3339 date-time (its instant, offset removed), or
 * null when the string is neither: a day that does not exist, hour 24, minute 60 or a leap second
 * are all refused.
 */
export function utcDayOf(value: string): CalendarDay | null {
  // A date-time is longer than a date: a date is read without the regular expression.
  if (value.length === DATE_LENGTH) return parseCalendarDate(value);
  const match = DATE_TIME.exec(value);
  if (match === null) return parseCalendarDate(value);
  const day = parseCalendarDate(match[1]);
  const [hour, minute, second] = [match[2], match[3], match[4]].map(Number);
  if (day === null || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (match[5] !== undefined) {
    const [offsetHour, offsetMinute] = [match[6], match[7]].map(Number);
    if (offsetHour > 23 || offsetMinute > 59) return null;
    offset = (match[5] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  // Seconds cannot carry into the next minute, so the minute of the day decides the UTC day.
  return day + Math.floor((hour * 60 + minute - offset) / MINUTES_PER_DAY);
}

/** quizDay's answer for a quiz_history entry that is a topic. */
export const QUIZ_TOPIC = 'topic';

/**
 * What a quiz_history entry is: the UTC day of a date (YYYY-MM-DD, or an RFC 3339 date-time, as
 * utcDayOf reads it), null for one written as a date that is none (01/06/2025, 2025-02-30), or
 * else a topic (QUIZ_TOPIC). A YYYY-MM-DD that exists, the usual entry, is read without a regular
 * expression.
 */
export function quizDay(entry: string): CalendarDay | null | typeof QUIZ_TOPIC {
  const day = entry.length === DATE_LENGTH ? parseCalendarDate(entry) : null;
  if (day !== null) return day;
  return looksLikeDate(entry) ? utcDayOf(entry) : QUIZ_TOPIC;
}
