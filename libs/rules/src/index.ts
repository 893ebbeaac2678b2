export {
  evaluateRules,
  formatEventList,
  MESSAGE_PARAMS,
  MessageParams,
  RULE_IDS,
  RuleCandidate,
  RuleId,
  RuleInput,
  RuleMessageId,
} from './rules';
export { DEFAULT_RULES_CONFIG, RulesConfig } from './rules.config';
export { RulesModule } from './rules.module';
export { RulesService } from './rules.service';
