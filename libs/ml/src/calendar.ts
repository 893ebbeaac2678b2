const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A calendar date as whole days since 1970-01-01 (UTC). */
export type CalendarDay = number;

/** True when the string has the `YYYY-MM-DD` shape (whether or not the date exists). */
export function looksLikeIsoDate(value: string): boolean {
  return ISO_DATE.test(value);
}

/**
 * Parses `YYYY-MM-DD` into a day number, or null when the shape is wrong or the date does not
 * exist (`2025-02-30`). Date.UTC alone would roll such dates over, so the parts are checked back.
 */
export function parseCalendarDate(value: string): CalendarDay | null {
  const match = ISO_DATE.exec(value);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1) return null;
  return Math.round(ms / MS_PER_DAY);
}

export function formatCalendarDate(day: CalendarDay): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Today's date in UTC: the default `as_of`. The only wall-clock read; callers pass it in. */
export function todayUtc(now: Date = new Date()): CalendarDay {
  return Math.floor(now.getTime() / MS_PER_DAY);
}
