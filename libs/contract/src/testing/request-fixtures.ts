import { EXAMPLE_REQUEST } from '../dto/examples';
import { validateAnalyzeRequest, ValidRequest } from '../validation/validate-request';
import { parseCalendarDate } from '@app/learner';
import { DELETE } from './hostile-bodies';

/** A deep copy of the example request with `path` set to `value` (or removed with DELETE). */
export function withField(path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(EXAMPLE_REQUEST)) as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return copy;
}

/** A request the test knows is valid, validated as of the example's day (2025-06-30); throws if not. */
export function validRequest(body: object): ValidRequest {
  const validated = validateAnalyzeRequest(body, parseCalendarDate(EXAMPLE_REQUEST.as_of)!);
  if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
  return validated.value;
}
