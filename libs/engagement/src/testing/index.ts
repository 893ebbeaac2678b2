// The engagement lib's test kit, for tests outside the lib: `@app/engagement/testing`.
export {
  appendMember,
  AS_OF,
  ATTENDANCE,
  bodyWith,
  DATE_PLACES,
  events,
  EXAMPLE_TEXT,
  MUST,
  nestedObjects,
  prototypeCases,
  repeat,
  serialize,
  SEVERAL_WRONG_TYPES,
} from './hostile-bodies';
export { exampleAnswer, UUID_V7 } from './example-answer';
export { constantModels } from './model-fixtures';
export { DELETE, withField } from './request-fixtures';
