import { DecisionRecord, EngagementAnalysis, ValidRequest } from '@app/contract';
import { deriveSignals } from '@app/learner';
import { encodeFeatures, FEATURE_NAMES } from '@app/ml';

/**
 * How much of the request a decision line keeps (DECISION_LOG_REQUEST):
 * - `full`: the request and the model features: `uplift`, `ope` and `train --from-log` all work;
 * - `features`: the features, not the request (no profile, peers or history): `uplift` and
 *   `train --from-log` work, `ope` cannot ask a candidate policy about the learner;
 * - `none`: neither (`features` is `{}`): `uplift` only.
 */
export type DecisionLogRequest = 'full' | 'features' | 'none';

/** What one line of decisions.ndjson is made from. */
export interface DecisionOfRecord {
  readonly analysis: EngagementAnalysis;
  /** The features the models saw, in FEATURE_NAMES order; none for `{}`. */
  readonly features?: Float64Array;
  /** The request as the decision's line keeps it; none for a line without. */
  readonly request?: object;
}

function featureObject(features: Float64Array | undefined): Record<string, number> {
  const named: Record<string, number> = {};
  if (features !== undefined) FEATURE_NAMES.forEach((name, i) => (named[name] = features[i]));
  return named;
}

/**
 * One line of decisions.ndjson (docs/closed-loop.md), newline included: what the API answered,
 * what it was answered from, and what was delivered, each nudge with the propensity it was drawn
 * with. A held-out learner's line delivers nothing and says what it would have been sent.
 */
export function decisionLine({ analysis, features, request }: DecisionOfRecord): string {
  const holdout = analysis.assignment.holdout;
  const line: DecisionRecord = {
    decision_id: analysis.decision_id,
    user_id: analysis.user_id,
    as_of: analysis.as_of,
    assignment: analysis.assignment,
    policy_version: analysis.policy_version,
    features: featureObject(features),
    candidates: analysis.candidates,
    delivered: analysis.nudges.map(({ type, rank, propensity }) => ({
      type,
      slot: rank,
      propensity,
    })),
    ...(holdout
      ? {
          would_have_sent: (analysis.would_have_sent ?? []).map(({ type, rank }) => ({
            type,
            slot: rank,
          })),
        }
      : {}),
    slate_propensity: analysis.slate_propensity,
    ...(request === undefined ? {} : { request: request as Record<string, unknown> }),
  };
  return `${JSON.stringify(line)}\n`;
}

/**
 * The line of a decision the engine just made, keeping `keep` of its request. The request kept
 * carries the decision's id even when the client sent none, so asking the engine again with it
 * draws as the decision did.
 */
export function decisionLineOf(
  { request, asOf }: ValidRequest,
  analysis: EngagementAnalysis,
  keep: DecisionLogRequest,
): string {
  return decisionLine({
    analysis,
    features: keep === 'none' ? undefined : encodeFeatures(deriveSignals(request, asOf)),
    request: keep === 'full' ? { ...request, decision_id: analysis.decision_id } : undefined,
  });
}
