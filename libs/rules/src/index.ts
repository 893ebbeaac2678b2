export {
  Claim,
  CLAIMS,
  evaluateRules,
  Evidence,
  MESSAGE_PARAMS,
  MessageParams,
  peersAttendEvents,
  Reason,
  REASON_PARAMS,
  ReasonId,
  RULE_IDS,
  RuleCandidate,
  RuleId,
  RuleInput,
  RuleMessageId,
  Wording,
} from './rules';
export { DEFAULT_RULES_CONFIG, RulesConfig } from './rules.config';
