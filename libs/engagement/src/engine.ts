// The engine without Nest: config, candidates, policy, the analysis and its decision line, and
// the state another thread is handed. Engine threads import this, `@app/engagement/engine`; the
// barrel adds the Nest module, the service and the live state's reloads.
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
export { engineStateFrom, PortableEngineState } from './pipeline/engine-state';
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
