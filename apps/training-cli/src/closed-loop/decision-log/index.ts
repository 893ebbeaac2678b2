/**
 * The closed loop's log contract: the lines of decisions.ndjson and outcomes.ndjson, their
 * parsers and a streaming line reader. Nothing here depends on the rest of the training CLI.
 */
export * from './decision-log-error';
export * from './decision-log-parsers';
export * from './decision-log-reader';
export * from './decision-log-records';
