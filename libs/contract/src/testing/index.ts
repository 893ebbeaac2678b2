// The contract lib's test kit, for tests outside the lib: `@app/contract/testing`.
export { exampleAnswer, UUID_V7 } from './example-answer';
export {
  appendMember,
  AS_OF,
  ATTENDANCE,
  bodyWith,
  DELETE,
  EXAMPLE_TEXT,
  events,
  MUST,
  nestedArrays,
  nestedObjects,
  raw,
  repeat,
  serialize,
  withFields,
} from './hostile-bodies';
export {
  Case,
  eventFomo,
  Expected,
  invalid,
  NOT_JSON,
  NOT_OBJECT,
  nudge,
  ok,
  PROTO,
  prototypeCases,
  refused,
  ruleTypes,
  SEVERAL_WRONG_TYPES,
  TOO_DEEP,
  types,
} from './hostile-cases';
export { DATE_PLACES, DATES, EVENT_COUNT, FIELDS, Field, Kind } from './hostile-fields';
export { validRequest, withField } from './request-fixtures';
export { EXAMPLE_CONFIG_HASH, LogFolder, loggedDecision, loggedOutcome } from './log-lines';
