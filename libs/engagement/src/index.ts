export { analyzeBatchItem, analyzeLearner, EngineState } from './pipeline/analyze-learner';
export { mlNudgeApplies, mlNudges } from './candidates/model-drafts';
export { NudgeDraft } from './candidates/nudge-draft';
export { mergeRuleCandidates } from './candidates/rule-drafts';
export { ConfigError, EngineConfig, variantConfig } from './config/engine-config';
export {
  buildEngineConfig,
  loadEngineConfig,
  readEngineConfigDocument,
} from './config/engine-config.loader';
export { EngagementModule, EngagementModuleOptions } from './nest/engagement.module';
export { EngagementService } from './nest/engagement.service';
export { CLOCK, Clock } from './nest/engagement.tokens';
export { ConfigHealthIndicator } from './nest/engine-config.health';
export { engineStateFrom, LiveEngine, PortableEngineState, ReloadResult } from './nest/live-engine';
export { assign, fnv1a32, hashBucket } from './policy/assignment';
export { ChosenNudge, chooseNudges } from './policy/choose-nudges';
export { Suppression } from './policy/fatigue';
export { compareNudges } from './policy/ranking';
export { SlotChoice, slotOneChoices } from './pipeline/slot-one-choices';

// Transitional re-exports: the apps' imports move to @app/contract and @app/messages next.
import { AssignmentResult, Delivery } from '@app/contract';
export {
  ActivityDto,
  AnalyzeEngagementBatchRequestDto,
  AnalyzeEngagementBatchResponseDto,
  AnalyzeEngagementRequestDto,
  AnalyzeEngagementResponseDto,
  AssignmentResult,
  BatchItemError,
  BatchItemErrorDto,
  BatchResult,
  CandidateNudge,
  DeliveredNudgeDto,
  Delivery,
  EngagementAnalysis,
  EXAMPLE_ANALYSIS,
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
  FieldError,
  FieldErrorDto,
  FomoDto,
  FomoFactorsDto,
  INVALID_REQUEST_TYPE,
  invalidRequestProblem,
  isLocaleTag,
  isProblem,
  MAX_JSON_DEPTH,
  Nudge,
  NudgeDto,
  parseJsonDocument,
  ParsedJson,
  PeerSnapshotDto,
  Problem,
  problem,
  PROBLEM_JSON,
  ProblemDto,
  ProfileDto,
  REQUEST_LIMITS,
  SuppressedNudge,
  SuppressionReason,
  UserDataDto,
  ValidBatch,
  validateAnalyzeRequest,
  validateBatch,
  Validated,
  ValidRequest,
} from '@app/contract';
export { utcDayOf } from '@app/learner';
export {
  BUNDLED_CATALOGS,
  CATALOG_KEYS,
  CATALOG_PARAMS,
  CatalogError,
  catalogProblems,
  CatalogSource,
  compileCatalogs,
  gapParams,
  Locale,
  MessageCatalogs,
  readableEventName,
  resolveLocale,
  SUPPORTED_LOCALES,
} from '@app/messages';
/** Old name of AssignmentResult, which policy/assignment.ts duplicated. */
export type Assignment = AssignmentResult;
/** Old name of Delivery, which policy/fatigue.ts duplicated. */
export type PastDelivery = Delivery;
