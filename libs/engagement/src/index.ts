export {
  analyzeBatchItem,
  analyzeLearner,
  analyzeObserved,
  DecisionObserver,
  EngineState,
  LearnerFacts,
  learnerFacts,
} from './pipeline/analyze-learner';
export { mlNudgeApplies, mlNudges } from './candidates/model-drafts';
export { NudgeDraft } from './candidates/nudge-draft';
export { mergeRuleCandidates } from './candidates/rule-drafts';
export { canonicalJson, shortHash } from './config/canonical-json';
export {
  ConfigError,
  EngineConfig,
  findVariantConfig,
  variantConfig,
} from './config/engine-config';
export {
  buildEngineConfig,
  loadEngineConfig,
  readEngineConfigDocument,
} from './config/engine-config.loader';
export { objectiveMismatch } from './config/objective';
export { EngagementModule, EngagementModuleOptions } from './nest/engagement.module';
export { EngagementService } from './nest/engagement.service';
export { CLOCK, Clock, HandedOverState } from './nest/engagement.tokens';
export { ConfigHealthIndicator } from './nest/engine-config.health';
export {
  engineStateFrom,
  LastReload,
  LiveEngine,
  PortableEngineState,
  ReloadResult,
} from './nest/live-engine';
export { assign, hashBucket } from './policy/assignment';
export { policyVersion } from './answer/policy-answer';
export {
  DecisionLogRequest,
  decisionLine,
  decisionLineOf,
  DecisionOfRecord,
} from './answer/decision-line';
export { ChosenNudge, chooseNudges } from './policy/choose-nudges';
export { explorationPropensity } from './policy/exploration';
export { Suppression } from './policy/fatigue';
export { compareNudges } from './policy/ranking';
export {
  ranksAlike,
  requestRanking,
  RequestSlatePolicy,
  slatePolicy,
} from './pipeline/slate-policy';
export { forEachSlate, Slate, SlatePolicy, slateProbability } from './policy/slate';
