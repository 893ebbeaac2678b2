import { CalendarDay, NudgeType } from '@app/learner';
import { AssignmentResult, CandidateNudge } from '../answer/analysis';

/**
 * The closed loop's two logs, as a platform writes them: one line per decision the API made, one
 * line per thing a learner did. This folder is their contract (docs/closed-loop.md): the platform
 * simulator writes them with these types, and `uplift`, `ope` and `train --from-log` read them
 * with its parsers.
 */

/** The logs' usual names, in the folder a platform (or the simulator) writes them to. */
export const CLOSED_LOOP_FILES = {
  decisions: 'decisions.ndjson',
  outcomes: 'outcomes.ndjson',
} as const;

export const OUTCOME_ACTIONS = [
  'upload_resume',
  'add_project',
  'take_quiz',
  'attend_event',
] as const;

export type OutcomeAction = (typeof OUTCOME_ACTIONS)[number];

/** What a learner does when a nudge of each type works: the action that nudge asks for. */
export const NUDGE_ACTIONS: Readonly<Record<NudgeType, OutcomeAction>> = {
  resume: 'upload_resume',
  project: 'add_project',
  quiz: 'take_quiz',
  event_fomo: 'attend_event',
  comeback: 'attend_event',
};

/** A nudge in the slot it was (or would have been) shown in. */
export interface SlottedNudge {
  readonly type: NudgeType;
  readonly slot: number;
}

export interface DeliveredNudge extends SlottedNudge {
  /** The probability that the policy put this nudge in this slot. */
  readonly propensity: number;
}

/** A nudge a held-out learner would have got: a ghost exposure. */
export type GhostNudge = SlottedNudge;

/** One line of decisions.ndjson. */
export interface DecisionRecord {
  readonly decision_id: string;
  readonly user_id: string;
  readonly as_of: string;
  readonly assignment: AssignmentResult;
  readonly policy_version: string;
  readonly features: Readonly<Record<string, number>>;
  readonly candidates: readonly CandidateNudge[];
  /** Empty for a held-out learner. */
  readonly delivered: readonly DeliveredNudge[];
  readonly would_have_sent?: readonly GhostNudge[];
  /**
   * The probability that the policy chose exactly `delivered` (or `would_have_sent`), in slot
   * order, and stopped there: the answer's `slate_propensity`. Optional: without it a decision
   * that sent nothing, or stopped early, cannot be checked against the logging config.
   */
  readonly slate_propensity?: number;
  /** The analyze request the decision answered; the engine validates it when it is asked again. */
  readonly request?: Readonly<Record<string, unknown>>;
}

/** One line of outcomes.ndjson. */
export interface OutcomeRecord {
  readonly user_id: string;
  readonly action: OutcomeAction;
  /** `YYYY-MM-DD` or an RFC 3339 date-time; its UTC day counts. */
  readonly at: string;
  /** The decision the action followed, when the platform knows it. */
  readonly decision_id?: string;
}

/** A parsed line and the day it happened on. */
export interface Dated<T> {
  readonly record: T;
  readonly day: CalendarDay;
}
