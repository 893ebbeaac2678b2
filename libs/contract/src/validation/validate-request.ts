import {
  CalendarDay,
  formatCalendarDate,
  NudgeType,
  parseCalendarDate,
  QUIZ_TOPIC,
  quizDay,
  utcDayOf,
} from '@app/learner';
import {
  AnalyzeEngagementRequestDto,
  DeliveredNudgeDto,
} from '../dto/analyze-engagement-request.dto';
import { dateProblem, DeliveryOutcome, nonexistentDay, PROBLEMS } from '../request/limits';
import { buildValidated } from './compiled-validator';
import { FieldError, fieldError } from '../problem/field-error';
import { isPlainRecord } from '../validators/instantiate';

/** A nudge delivered before, from the request's `history`, its `sent_at` read as a UTC day. */
export interface Delivery {
  readonly type: NudgeType;
  readonly day: CalendarDay;
  readonly outcome: DeliveryOutcome | null;
}

/** A request that passed validation, with `as_of` resolved to a day. */
export interface ValidRequest {
  readonly request: AnalyzeEngagementRequestDto;
  readonly asOf: CalendarDay;
  /** `history` in request order (empty when absent), so the engine never parses its dates. */
  readonly deliveries: readonly Delivery[];
}

export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const afterAsOf = (asOf: CalendarDay) => `must not be after as_of (${formatCalendarDate(asOf)})`;

/** Dates that class-validator saw as well-formed must also not lie after `as_of`. */
function checkDatesNotAfter(
  request: Record<string, unknown>,
  asOf: CalendarDay,
  reported: ReadonlySet<string>,
  errors: FieldError[],
): void {
  const notAfterAsOf = (path: string, day: CalendarDay): void => {
    if (day > asOf) errors.push(fieldError(path, afterAsOf(asOf)));
  };
  const check = (path: string, value: unknown): void => {
    if (typeof value !== 'string' || reported.has(path)) return;
    const day = parseCalendarDate(value);
    if (day === null) errors.push(fieldError(path, dateProblem(value)));
    else notAfterAsOf(path, day);
  };
  const userData = request.user_data;
  if (!isPlainRecord(userData)) return;
  if (isPlainRecord(userData.activity)) {
    check('user_data.activity.last_event_attended', userData.activity.last_event_attended);
    check('user_data.activity.last_quiz_taken', userData.activity.last_quiz_taken);
  }
  const history = isPlainRecord(userData.profile) ? userData.profile.quiz_history : undefined;
  if (Array.isArray(history) && !reported.has('user_data.profile.quiz_history')) {
    history.forEach((entry, i) => {
      // An entry written as a date is a date (YYYY-MM-DD, or an RFC 3339 date-time's UTC day, as
      // history[].sent_at takes), never a topic: one in another notation (01/06/2025) or that
      // does not exist is refused rather than read as a topic in silence. Its path is only
      // written for an error: most entries are dates, and most requests are valid.
      if (typeof entry !== 'string') return;
      const day = quizDay(entry);
      if (day === QUIZ_TOPIC) return;
      const path = () => `user_data.profile.quiz_history[${i}]`;
      if (day !== null) {
        if (day > asOf) errors.push(fieldError(path(), afterAsOf(asOf)));
        return;
      }
      const missing = nonexistentDay(entry);
      errors.push(
        fieldError(path(), missing !== undefined ? dateProblem(missing) : PROBLEMS.quizDate),
      );
    });
  }
}

/**
 * The deliveries of a `history` whose entries passed the DTO checks; a `sent_at` whose UTC day
 * lies after `as_of` is reported like the other dates.
 */
function readDeliveries(
  history: readonly DeliveredNudgeDto[] | null | undefined,
  asOf: CalendarDay,
  reported: ReadonlySet<string>,
  errors: FieldError[],
): Delivery[] {
  // A history that is present and not reported passed IsArray.
  if (history === undefined || history === null || reported.has('history')) return [];
  const deliveries: Delivery[] = [];
  history.forEach((entry, i) => {
    const path = `history[${i}].sent_at`;
    if (typeof entry.sent_at !== 'string' || reported.has(path)) return;
    const day = utcDayOf(entry.sent_at);
    if (day === null) errors.push(fieldError(path, PROBLEMS.sentAt));
    else if (day > asOf) errors.push(fieldError(path, afterAsOf(asOf)));
    else deliveries.push({ type: entry.type, day, outcome: entry.outcome ?? null });
  });
  return deliveries;
}

/**
 * Validates one analysis request: the DTO's decorators first, then the cross-field rule that no
 * date lies after `as_of`. Every offending field is reported, by its full path. `defaultAsOf` is
 * used when the request has no `as_of` (today, or the batch's `as_of`).
 */
export function validateAnalyzeRequest(
  body: unknown,
  defaultAsOf: CalendarDay,
): Validated<ValidRequest> {
  if (!isPlainRecord(body)) {
    return { ok: false, errors: [fieldError('body', 'must be a JSON object')] };
  }
  const errors: FieldError[] = [];
  const request = buildValidated(AnalyzeEngagementRequestDto, body, errors);
  const reported = new Set(errors.map((error) => error.path));
  if (!reported.has('as_of')) {
    const asOf = typeof request.as_of === 'string' ? parseCalendarDate(request.as_of) : defaultAsOf;
    if (asOf !== null) {
      checkDatesNotAfter(body, asOf, reported, errors);
      const deliveries = readDeliveries(request.history, asOf, reported, errors);
      if (errors.length === 0) {
        // Keep the client's as_of (already canonical YYYY-MM-DD); write the default one in.
        if (typeof request.as_of !== 'string') request.as_of = formatCalendarDate(asOf);
        return { ok: true, value: { request, asOf, deliveries } };
      }
    }
  }
  return { ok: false, errors };
}
