import { NUDGE_TYPES, NudgeType, parseCalendarDate, utcDayOf } from '@app/learner';
import { AssignmentResult } from '../answer/analysis';
import { MAX_DECISION_ID_LENGTH } from '../request/limits';
import { parseJsonDocument } from '../validation/json-document';
import { DecisionLogError } from './decision-log-error';
import { DecisionRecord, Dated, OUTCOME_ACTIONS, OutcomeRecord } from './decision-log-records';

const DECISION_ID_PROBLEM = `must be a string of 1 to ${MAX_DECISION_ID_LENGTH} characters`;
const NON_EMPTY_STRING = 'must be a non-empty string';
const FINITE_NUMBER = 'must be a finite number';
const NUDGE_TYPE_PROBLEM = `must be one of ${NUDGE_TYPES.join(', ')}`;
const SLOT_PROBLEM = 'must be a whole number of at least 1';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isDecisionId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_DECISION_ID_LENGTH;
}

function isNudgeType(value: unknown): value is NudgeType {
  return (NUDGE_TYPES as readonly unknown[]).includes(value);
}

function isSlot(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** `where` is `<file> line <n>`; the message names the field, as every log error does. */
export function fieldProblem(where: string, field: string, problem: string): DecisionLogError {
  return new DecisionLogError(`${where}: ${field}: ${problem}`);
}

/** One NDJSON line as an object, parsed as safely as a request body is. */
function objectLine(text: string, where: string): JsonObject {
  if (text.trim() === '') throw new DecisionLogError(`${where} is empty; expected a JSON object`);
  const parsed = parseJsonDocument(text, where);
  if (!parsed.ok) throw new DecisionLogError(parsed.message);
  if (!isObject(parsed.value)) throw new DecisionLogError(`${where} is not a JSON object`);
  return parsed.value;
}

/** An array field whose entries are objects, each checked by `check` (given its path). */
function checkEntries(
  value: unknown,
  where: string,
  field: string,
  shape: string,
  check: (entry: JsonObject, path: string) => void,
): void {
  if (!Array.isArray(value)) throw fieldProblem(where, field, 'must be an array');
  value.forEach((entry: unknown, i) => {
    const path = `${field}[${i}]`;
    if (!isObject(entry)) throw fieldProblem(where, path, `must be an object with ${shape}`);
    check(entry, path);
  });
}

function checkNudgeType(value: unknown, where: string, path: string): void {
  if (!isNudgeType(value)) throw fieldProblem(where, `${path}.type`, NUDGE_TYPE_PROBLEM);
}

function checkAssignment(value: unknown, where: string): void {
  if (!isObject(value)) {
    throw fieldProblem(where, 'assignment', 'must be an object with holdout and bucket');
  }
  const { holdout, bucket, experiment, variant } = value;
  if (typeof holdout !== 'boolean') {
    throw fieldProblem(where, 'assignment.holdout', 'must be true or false');
  }
  if (!isFiniteNumber(bucket) || bucket < 0 || bucket >= 1) {
    throw fieldProblem(where, 'assignment.bucket', 'must be a number in [0, 1)');
  }
  if (experiment !== undefined && !isNonEmptyString(experiment)) {
    throw fieldProblem(where, 'assignment.experiment', NON_EMPTY_STRING);
  }
  if (variant !== undefined && !isNonEmptyString(variant)) {
    throw fieldProblem(where, 'assignment.variant', NON_EMPTY_STRING);
  }
  if ((experiment === undefined) !== (variant === undefined)) {
    throw fieldProblem(where, 'assignment', 'must have both experiment and variant, or neither');
  }
  // The API places only learners it nudges in an experiment.
  if (holdout && experiment !== undefined) {
    throw fieldProblem(where, 'assignment.experiment', 'must be absent for a held-out learner');
  }
}

/** `<model set>/<config hash>[/<experiment>=<variant>]`, naming the assignment's variant if any. */
function checkPolicyVersion(value: unknown, assignment: AssignmentResult, where: string): void {
  // Found by the slashes' places rather than split: every line of a log has one.
  const text = typeof value === 'string' ? value : '';
  const first = text.indexOf('/');
  const second = first < 0 ? -1 : text.indexOf('/', first + 1);
  const last = second < 0 ? first : second;
  const wellFormed =
    first > 0 &&
    (second < 0 || (second > first + 1 && text.indexOf('/', second + 1) < 0)) &&
    last < text.length - 1;
  if (!wellFormed) {
    throw fieldProblem(
      where,
      'policy_version',
      'must be <model set>/<config hash>, then /<experiment>=<variant> for a learner in an experiment',
    );
  }
  const variant =
    assignment.experiment === undefined
      ? undefined
      : `${assignment.experiment}=${assignment.variant}`;
  if (variant === undefined && second >= 0) {
    throw fieldProblem(where, 'policy_version', 'must not name a variant: the assignment has none');
  }
  if (variant !== undefined && (second < 0 || text.slice(second + 1) !== variant)) {
    throw fieldProblem(where, 'policy_version', `must end with /${variant}, the assignment's`);
  }
}

function checkFeatures(value: unknown, where: string): void {
  if (!isObject(value)) {
    throw fieldProblem(where, 'features', 'must be an object of feature names to numbers');
  }
  // for-in, not Object.entries: no pair per feature on every line of the log.
  for (const name in value) {
    if (!isFiniteNumber(value[name])) throw fieldProblem(where, `features.${name}`, FINITE_NUMBER);
  }
}

function checkCandidates(value: unknown, where: string): void {
  checkEntries(value, where, 'candidates', 'type, source and score', (candidate, path) => {
    checkNudgeType(candidate.type, where, path);
    if (candidate.source !== 'rule' && candidate.source !== 'ml') {
      throw fieldProblem(where, `${path}.source`, 'must be "rule" or "ml"');
    }
    if (!isFiniteNumber(candidate.score)) {
      throw fieldProblem(where, `${path}.score`, FINITE_NUMBER);
    }
  });
}

function checkDelivered(value: unknown, holdout: boolean, where: string): void {
  checkEntries(value, where, 'delivered', 'type, slot and propensity', (nudge, path) => {
    checkNudgeType(nudge.type, where, path);
    if (!isSlot(nudge.slot)) throw fieldProblem(where, `${path}.slot`, SLOT_PROBLEM);
    const { propensity } = nudge;
    if (!isFiniteNumber(propensity) || propensity <= 0 || propensity > 1) {
      throw fieldProblem(where, `${path}.propensity`, 'must be a number in (0, 1]');
    }
  });
  if (holdout && (value as unknown[]).length > 0) {
    throw fieldProblem(where, 'delivered', 'must be empty for a held-out learner');
  }
}

function checkWouldHaveSent(value: unknown, holdout: boolean, where: string): void {
  if (value === undefined) return;
  if (!holdout) {
    throw fieldProblem(where, 'would_have_sent', "is only for a held-out learner's decision");
  }
  checkEntries(value, where, 'would_have_sent', 'type and slot', (nudge, path) => {
    checkNudgeType(nudge.type, where, path);
    if (!isSlot(nudge.slot)) throw fieldProblem(where, `${path}.slot`, SLOT_PROBLEM);
  });
}

/**
 * One line of decisions.ndjson, checked field by field; unknown fields are allowed. The first
 * problem throws a DecisionLogError naming the file, the line and the field.
 */
export function parseDecisionLine(text: string, where: string): Dated<DecisionRecord> {
  const line = objectLine(text, where);
  if (!isDecisionId(line.decision_id)) {
    throw fieldProblem(where, 'decision_id', DECISION_ID_PROBLEM);
  }
  if (!isNonEmptyString(line.user_id)) throw fieldProblem(where, 'user_id', NON_EMPTY_STRING);
  const day = typeof line.as_of === 'string' ? parseCalendarDate(line.as_of) : null;
  if (day === null) throw fieldProblem(where, 'as_of', 'must be a YYYY-MM-DD date');
  checkAssignment(line.assignment, where);
  const assignment = line.assignment as AssignmentResult;
  checkPolicyVersion(line.policy_version, assignment, where);
  checkFeatures(line.features, where);
  checkCandidates(line.candidates, where);
  checkDelivered(line.delivered, assignment.holdout, where);
  checkWouldHaveSent(line.would_have_sent, assignment.holdout, where);
  const slate = line.slate_propensity;
  if (slate !== undefined && (!isFiniteNumber(slate) || slate <= 0 || slate > 1)) {
    throw fieldProblem(where, 'slate_propensity', 'must be a number in (0, 1]');
  }
  if (line.request !== undefined && !isObject(line.request)) {
    throw fieldProblem(where, 'request', 'must be an object (an analyze request)');
  }
  return { record: line as unknown as DecisionRecord, day };
}

/** One line of outcomes.ndjson, checked like a decision line; its day is the UTC day of `at`. */
export function parseOutcomeLine(text: string, where: string): Dated<OutcomeRecord> {
  const line = objectLine(text, where);
  if (!isNonEmptyString(line.user_id)) throw fieldProblem(where, 'user_id', NON_EMPTY_STRING);
  if (!(OUTCOME_ACTIONS as readonly unknown[]).includes(line.action)) {
    throw fieldProblem(where, 'action', `must be one of ${OUTCOME_ACTIONS.join(', ')}`);
  }
  const day = typeof line.at === 'string' ? utcDayOf(line.at) : null;
  if (day === null) {
    throw fieldProblem(where, 'at', 'must be a YYYY-MM-DD date or an RFC 3339 date-time');
  }
  if (line.decision_id !== undefined && !isDecisionId(line.decision_id)) {
    throw fieldProblem(where, 'decision_id', DECISION_ID_PROBLEM);
  }
  return { record: line as unknown as OutcomeRecord, day };
}
