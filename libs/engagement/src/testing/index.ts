// The engagement lib's test kit, for tests outside the lib: `@app/engagement/testing`.
export { constantModels } from './model-fixtures';

// Transitional re-exports: the apps' imports move to @app/contract and @app/messages next.
export {
  appendMember,
  AS_OF,
  ATTENDANCE,
  bodyWith,
  DATE_PLACES,
  DELETE,
  events,
  EXAMPLE_TEXT,
  exampleAnswer,
  MUST,
  nestedObjects,
  prototypeCases,
  repeat,
  serialize,
  SEVERAL_WRONG_TYPES,
  UUID_V7,
  withField,
} from '@app/contract/testing';
