/**
 * The decision and outcome logs' readers and line parsers without the rest of the contract: the
 * barrel loads the DTOs and with them @nestjs/swagger and class-validator, which a thread that
 * only reads logs must not pay for (`@app/contract/decision-log`). validDecisionRequest, which
 * validates a logged request as the API does, is the barrel's.
 */
export type { AssignmentResult } from '../answer/analysis';
export { DecisionLogError } from './decision-log-error';
export { parseDecisionLine, parseOutcomeLine } from './decision-log-parsers';
export {
  ByteRange,
  forEachLine,
  forEachLogLine,
  isGzipped,
  lineName,
  LogLine,
} from './decision-log-reader';
export {
  CLOSED_LOOP_FILES,
  Dated,
  DecisionRecord,
  DeliveredNudge,
  GhostNudge,
  NUDGE_ACTIONS,
  OUTCOME_ACTIONS,
  OutcomeAction,
  OutcomeRecord,
  SlottedNudge,
} from './decision-log-records';
