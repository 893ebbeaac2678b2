export { ConfigError, EngineConfig } from './config/engine-config';
export { ConfigHealthIndicator } from './config/engine-config.health';
export {
  buildEngineConfig,
  loadEngineConfig,
  readEngineConfigDocument,
} from './config/engine-config.loader';
export {
  ActivityDto,
  AnalyzeEngagementRequestDto,
  DeliveredNudgeDto,
  PeerSnapshotDto,
  ProfileDto,
  UserDataDto,
} from './dto/analyze-engagement-request.dto';
export {
  AnalyzeEngagementBatchRequestDto,
  AnalyzeEngagementBatchResponseDto,
  BatchItemErrorDto,
  FieldErrorDto,
  ProblemDto,
} from './dto/analyze-engagement-batch.dto';
export {
  AnalyzeEngagementResponseDto,
  FomoDto,
  FomoFactorsDto,
  NudgeDto,
} from './dto/analyze-engagement-response.dto';
export {
  EXAMPLE_ANALYSIS,
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
} from './dto/examples';
export { REQUEST_LIMITS } from './dto/request-limits';
export { EngagementModule, EngagementModuleOptions } from './engagement.module';
export { EngagementService } from './engagement.service';
export { CLOCK, Clock } from './engagement.tokens';
export { engineStateFrom, LiveEngine, PortableEngineState, ReloadResult } from './live-engine';
export { analyzeBatchItem, analyzeLearner, EngineState } from './engine/analyze';
export {
  AssignmentResult,
  BatchItemError,
  CandidateNudge,
  BatchResult,
  EngagementAnalysis,
  SuppressedNudge,
} from './engine/analysis';
export {
  ChosenNudge,
  chooseNudges,
  compareNudges,
  mergeRuleCandidates,
  mlNudgeApplies,
  mlNudges,
  NudgeDraft,
} from './engine/nudges';
export { gapParams, Nudge, readableEventName } from './engine/render';
export { SlotChoice, slotOneChoices } from './engine/slot-policy';
export { utcDayOf } from './validation/custom-validators';
export { FieldError } from './validation/field-error';
export {
  INVALID_REQUEST_TYPE,
  invalidRequestProblem,
  isProblem,
  Problem,
  problem,
  PROBLEM_JSON,
} from './validation/problem';
export { ValidBatch, validateBatch } from './validation/validate-batch';
export { MAX_JSON_DEPTH, parseJsonDocument, ParsedJson } from './validation/json-document';
export {
  Delivery,
  Validated,
  ValidRequest,
  validateAnalyzeRequest,
} from './validation/validate-request';
export {
  BUNDLED_CATALOGS,
  CatalogError,
  catalogProblems,
  CatalogSource,
  compileCatalogs,
  isLocaleTag,
  Locale,
  MessageCatalogs,
  resolveLocale,
  SUPPORTED_LOCALES,
} from './messages/message-catalogs';
export { CATALOG_KEYS, CATALOG_PARAMS } from './messages/message-keys';
export { Assignment, assign, fnv1a32, hashBucket } from './policy/assignment';
export { PastDelivery, Suppression, SuppressionReason } from './engine/fatigue';
