import { CalendarDay, parseCalendarDate } from '@app/learner';
import { AnalyzeEngagementBatchRequestDto } from '../dto/analyze-engagement-batch.dto';
import { buildValidated } from './compiled-validator';
import { FieldError, fieldError } from '../problem/field-error';
import { Validated } from './validate-request';

export interface ValidBatch {
  /** Day used for items without their own `as_of`. */
  readonly asOf: CalendarDay;
  /** Still unvalidated: each item is checked on its own so one bad item fails only itself. */
  readonly items: readonly unknown[];
  /** Locale for items without their own. */
  readonly locale?: string;
}

/** Checks a batch's envelope: an object with `items` (at most `maxItems`) and an optional `as_of`. */
export function validateBatch(
  body: unknown,
  today: CalendarDay,
  maxItems: number,
): Validated<ValidBatch> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [fieldError('body', 'must be a JSON object')] };
  }
  const errors: FieldError[] = [];
  const batch = buildValidated(
    AnalyzeEngagementBatchRequestDto,
    body as Record<string, unknown>,
    errors,
  );
  if (errors.length === 0 && batch.items.length > maxItems) {
    errors.push(
      fieldError('items', `must have at most ${maxItems} items (has ${batch.items.length})`),
    );
  }
  if (errors.length > 0) return { ok: false, errors };
  // A present as_of passed IsCalendarDate, so it parses.
  const asOf =
    typeof batch.as_of === 'string' ? (parseCalendarDate(batch.as_of) as CalendarDay) : today;
  return { ok: true, value: { asOf, items: batch.items, locale: batch.locale } };
}
