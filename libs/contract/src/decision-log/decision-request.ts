import { CalendarDay } from '@app/learner';
import { validateAnalyzeRequest, ValidRequest } from '../validation/validate-request';
import { fieldProblem } from './decision-log-parsers';
import { DecisionRecord } from './decision-log-records';

/**
 * The decision's `request` as the engine validates it, the decision's day standing in for a
 * missing `as_of`; undefined when the line has none. Only a command that asks the engine again
 * pays for the validation. A request the API would refuse, or one about another learner or day
 * than the decision's, is an error naming the line and the field.
 */
export function validDecisionRequest(
  decision: DecisionRecord,
  day: CalendarDay,
  where: string,
): ValidRequest | undefined {
  if (decision.request === undefined) return undefined;
  const validated = validateAnalyzeRequest(decision.request, day);
  if (!validated.ok) {
    throw fieldProblem(where, 'request', validated.errors.map((e) => e.message).join('; '));
  }
  const { request, asOf } = validated.value;
  if (request.user_data.user_id !== decision.user_id) {
    throw fieldProblem(
      where,
      'request.user_data.user_id',
      `must be the decision's user_id ${JSON.stringify(decision.user_id)}`,
    );
  }
  if (asOf !== day) {
    throw fieldProblem(where, 'request.as_of', `must be the decision's as_of ${decision.as_of}`);
  }
  return validated.value;
}
