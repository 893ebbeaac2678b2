export {
  Claim,
  CLAIMS,
  Evidence,
  MESSAGE_PARAMS,
  MessageParams,
  namesAnEvent,
  Reason,
  REASON_PARAMS,
  ReasonId,
  RULE_IDS,
  RuleCandidate,
  RuleId,
  RuleInput,
  RuleMessageId,
  Wording,
  WITH_TIME_AWAY,
} from './rule-candidate';
export { evaluateRules, peersAttendEvents, PeersGoing, peersGoing } from './rules';
export { DEFAULT_RULES_CONFIG, RulesConfig } from './rules.config';
