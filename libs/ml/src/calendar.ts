const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A calendar date as whole days since 1970-01-01 (UTC). */
export type CalendarDay = number;

/** True when the string has the `YYYY-MM-DD` shape (whether or not the date exists). */
export function looksLikeIsoDate(value: string): boolean {
  return ISO_DATE.test(value);
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
 * because every request parses several dates.
 */
export function parseCalendarDate(value: string): CalendarDay | null {
  const match = ISO_DATE.exec(value);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const monthLength = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthLength) return null;
  return daysFromCivil(year, month, day);
}

export function formatCalendarDate(day: CalendarDay): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Today's date in UTC: the default `as_of`. The only wall-clock read; callers pass it in. */
export function todayUtc(now: Date = new Date()): CalendarDay {
  return Math.floor(now.getTime() / MS_PER_DAY);
}
