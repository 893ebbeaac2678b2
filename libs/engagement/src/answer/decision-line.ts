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

/** The keys of a line before its `features`, in the order they are written. */
type LeadingKey = 'decision_id' | 'user_id' | 'as_of' | 'assignment' | 'policy_version';

/** `"name":` of each feature, in FEATURE_NAMES order, with the comma before all but the first. */
const FEATURE_KEYS = FEATURE_NAMES.map(
  (name, i) => `${i === 0 ? '' : ','}${JSON.stringify(name)}:`,
);

/**
 * The `features` object of a line as JSON.stringify writes it, written from the vector with keys
 * serialized once: an object of 18 named numbers built per line only to be serialized cost about
 * as much as the rest of the line but the request.
 */
function featuresJson(features: Float64Array | undefined): string {
  if (features === undefined) return '{}';
  let json = '{';
  for (let i = 0; i < FEATURE_KEYS.length; i++)
    json += FEATURE_KEYS[i] + JSON.stringify(features[i]);
  return `${json}}`;
}

/**
 * One line of decisions.ndjson (docs/closed-loop.md), newline included: what the API answered,
 * what it was answered from, and what was delivered, each nudge with the propensity it was drawn
 * with. A held-out learner's line delivers nothing and says what it would have been sent.
 */
export function decisionLine({ analysis, features, request }: DecisionOfRecord): string {
  const holdout = analysis.assignment.holdout;
  // Serialized in two parts, the features written between them; JSON.stringify leaves out the
  // keys whose value is undefined, so a line without `would_have_sent` or `request` has no key.
  const head: Pick<DecisionRecord, LeadingKey> = {
    decision_id: analysis.decision_id,
    user_id: analysis.user_id,
    as_of: analysis.as_of,
    assignment: analysis.assignment,
    policy_version: analysis.policy_version,
  };
  const tail: Omit<DecisionRecord, LeadingKey | 'features'> = {
    candidates: analysis.candidates,
    delivered: analysis.nudges.map(({ type, rank, propensity }) => ({
      type,
      slot: rank,
      propensity,
    })),
    would_have_sent: holdout
      ? (analysis.would_have_sent ?? []).map(({ type, rank }) => ({ type, slot: rank }))
      : undefined,
    slate_propensity: analysis.slate_propensity,
    request: request as Record<string, unknown> | undefined,
  };
  const before = JSON.stringify(head);
  const after = JSON.stringify(tail);
  return `${before.slice(0, -1)},"features":${featuresJson(features)},${after.slice(1)}\n`;
}

/**
 * The line of a decision the engine just made, keeping `keep` of its request. The request kept
 * carries the decision's id even when the client sent none, so asking the engine again with it
 * draws as the decision did. `features` are those the analysis was made with, when the caller
 * has them (a DecisionObserver is told them); without, they are worked out again.
 */
export function decisionLineOf(
  { request, asOf }: ValidRequest,
  analysis: EngagementAnalysis,
  keep: DecisionLogRequest,
  features?: Float64Array,
): string {
  return decisionLine({
    analysis,
    features:
      keep === 'none' ? undefined : (features ?? encodeFeatures(deriveSignals(request, asOf))),
    request: keep === 'full' ? { ...request, decision_id: analysis.decision_id } : undefined,
  });
}
