import { v5 as uuidv5 } from 'uuid';
import type { ValidRequest } from '@app/contract';
import type { EngineState } from '@app/engagement';

/** The namespace of the scorer's decision ids (a fixed random UUID: the ids are this tool's). */
const SCORE_NAMESPACE = '8f3c2b1e-5d47-4a96-b0e2-6c1f9a7d4e53';

/** What decides an answer besides the request: the models and the config. */
export function engineVersion(state: EngineState): string {
  return `${state.models?.version ?? 'rules-only'}/${state.config.hash}`;
}

/**
 * The decision id `score` gives a request that carries none: a name-based UUID (version 5) of the
 * learner, the request's as_of and the engine version. The id also seeds exploration, so a rerun,
 * or a retried shard of an Indexed Job, writes the same bytes and logs the same decisions; a new
 * model set or config, or another day, makes new ids. The API keeps minting time-ordered ids: a
 * platform may ask twice on one day and mean two decisions.
 */
export function scoredDecisionId(valid: ValidRequest, version: string): string {
  const { user_data, as_of } = valid.request;
  return uuidv5(JSON.stringify([user_data.user_id, as_of, version]), SCORE_NAMESPACE);
}

/** The request with its own decision id, or the derived one written in. */
export function withScoredDecisionId(valid: ValidRequest, version: string): ValidRequest {
  if (valid.request.decision_id !== undefined) return valid;
  valid.request.decision_id = scoredDecisionId(valid, version);
  return valid;
}
