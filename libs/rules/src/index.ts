export {
  Claim,
  CLAIMS,
  Evidence,
  MESSAGE_PARAMS,
  MessageParams,
  Reason,
  REASON_PARAMS,
  ReasonId,
  RULE_IDS,
  RuleCandidate,
  RuleId,
  RuleInput,
  RuleMessageId,
  Wording,
} from './rule-candidate';
export { evaluateRules, peersAttendEvents, PeersGoing, peersGoing } from './rules';
export { DEFAULT_RULES_CONFIG, RulesConfig } from './rules.config';
