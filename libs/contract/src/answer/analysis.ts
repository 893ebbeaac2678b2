import { FomoResult } from '@app/fomo';
import { NudgeType } from '@app/learner';
import { Problem } from '../problem/problem';
import { Nudge } from './nudge';

/** Which group the learner is in: the global holdout, and an experiment's variant if any. */
export interface AssignmentResult {
  readonly holdout: boolean;
  /** The learner's holdout bucket in [0, 1), as GrowthBook's hash v2 computes it. */
  readonly bucket: number;
  readonly experiment?: string;
  readonly variant?: string;
}

/** A nudge the first slot was drawn from: what a platform logs for off-policy evaluation. */
export interface CandidateNudge {
  readonly type: NudgeType;
  readonly source: 'rule' | 'ml';
  /** The rule's strength or the model's probability, 2 decimals, as a nudge's `score`. */
  readonly score: number;
}

/** Why a nudge the engine would have given was withheld. */
export type SuppressionReason = 'cooldown' | 'weekly_cap' | 'holdout' | 'no_uplift';

/** A nudge the engine would have given and withheld, and why, in plain words too. */
export interface SuppressedNudge {
  readonly type: NudgeType;
  readonly reason: SuppressionReason;
  /** First day it may be sent again; null when no day is known (holdout, a cap of 0). */
  readonly eligible_again_on: string | null;
  readonly message: string;
}

/** The answer for one learner (the body of `POST /analyze-engagement`). */
export interface EngagementAnalysis {
  readonly user_id: string;
  /** `holdout` for a learner in the holdout group: no nudges, see `would_have_sent`. */
  readonly status: 'generated' | 'holdout';
  readonly as_of: string;
  /** The language the titles, actions and reasons are in. */
  readonly locale: string;
  /** The caller's id for this decision, or one the service made (UUIDv7). */
  readonly decision_id: string;
  readonly assignment: AssignmentResult;
  /** What decided: model set, config hash and experiment variant. */
  readonly policy_version: string;
  readonly nudges: readonly Nudge[];
  /** For a held-out learner: the nudges they would have got, to log as ghost exposures. */
  readonly would_have_sent?: readonly Nudge[];
  /**
   * The probability that the policy chose exactly these nudges (`would_have_sent` for a
   * held-out learner) in this order and stopped there: 1 without exploration.
   */
  readonly slate_propensity: number;
  /**
   * Every nudge the first slot was drawn from, best first (empty when none could be sent): with
   * exploration, a platform logs them so another policy can be evaluated from its logs.
   */
  readonly candidates: readonly CandidateNudge[];
  readonly suppressed: readonly SuppressedNudge[];
  readonly fomo: FomoResult;
  readonly model_version: string | null;
}

/** A batch item answered: `kind` tells it from a failed one; the rest is the single answer. */
export type BatchAnalysis = { readonly kind: 'analysis' } & EngagementAnalysis;

/** A batch item that failed validation; its neighbours are answered regardless. */
export interface BatchItemError {
  readonly kind: 'error';
  readonly index: number;
  readonly error: Problem;
}

/** One entry of a batch's `results`, told apart by `kind`. */
export type BatchResult = BatchAnalysis | BatchItemError;
