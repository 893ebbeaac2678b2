// The wire contract: what a request and an answer are, how a request is validated, how a
// refusal is reported (problem+json), and the decision and outcome log lines the closed loop reads.
export {
  AssignmentResult,
  BatchAnalysis,
  BatchItemError,
  BatchResult,
  CandidateNudge,
  EngagementAnalysis,
  SuppressedNudge,
  SuppressionReason,
} from './answer/analysis';
export { Nudge } from './answer/nudge';
export {
  ANALYSIS_VIEWS,
  AnalysisView,
  batchResultInView,
  CompactAnalysis,
  compactAnalysis,
  CompactNudge,
  inView,
  parseView,
} from './answer/view';
export { SharedSlots, SharedSlotsData } from './answer/shared-slots';
export { Utf8Builder } from './answer/utf8-builder';
export {
  AnalyzeEngagementBatchRequestDto,
  AnalyzeEngagementBatchResponseDto,
  BatchAnalysisDto,
  BatchItemErrorDto,
  FieldErrorDto,
  ProblemDto,
} from './dto/analyze-engagement-batch.dto';
export {
  ActivityDto,
  AnalyzeEngagementRequestDto,
  DeliveredNudgeDto,
  PeerSnapshotDto,
  ProfileDto,
  UserDataDto,
} from './dto/analyze-engagement-request.dto';
export {
  AnalyzeEngagementResponseDto,
  FomoDto,
  FomoFactorsDto,
  NudgeDto,
} from './dto/analyze-engagement-response.dto';
export {
  AnalyzeEngagementCompactBatchResponseDto,
  BatchCompactAnalysisDto,
  CompactAnalysisResponseDto,
  CompactNudgeDto,
} from './dto/compact-response.dto';
export * from './decision-log';
export { validDecisionRequest } from './decision-log/decision-request';
export {
  COMMITTED_CONFIG_HASH,
  COMMITTED_MODEL_VERSION,
  EXAMPLE_ANALYSIS,
  EXAMPLE_BATCH_REQUEST,
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
} from './dto/examples';
export { FieldError, fieldError, flattenValidationErrors } from './problem/field-error';
export {
  INVALID_REQUEST_TYPE,
  invalidRequestProblem,
  isProblem,
  Problem,
  problem,
  PROBLEM_JSON,
} from './problem/problem';
export { isLocaleTag } from './request/locale-tag';
export { MAX_DECISION_ID_LENGTH, REQUEST_LIMITS } from './request/limits';
export {
  MAX_JSON_DEPTH,
  parseJsonDocument,
  ParsedJson,
  readJsonBody,
} from './validation/json-document';
export { ValidBatch, validateBatch } from './validation/validate-batch';
export {
  Delivery,
  Validated,
  ValidRequest,
  validateAnalyzeRequest,
} from './validation/validate-request';
export { instantiate, isPlainRecord } from './validators/instantiate';
