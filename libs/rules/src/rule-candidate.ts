/** What the rules speak of: their ids, messages, reasons, the facts messages state, and a candidate. */
import { LearnerSignals, NudgeType } from '@app/learner';

export const RULE_IDS = [
  'resume_peer_gap',
  'project_peer_gap',
  'quiz_inactive',
  'comeback',
  'buddies_at_events',
  'trending_event',
  'fomo_score',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/**
 * The messages a rule candidate can use, with the parameters it gives them (`days` also yields
 * `gap`, the span in words). A rule with two situations has two messages; `fomo_peers` is the
 * FOMO message that leaves the learner's event recency to another nudge. The FOMO messages say
 * who is going where (peersGoing): `event_count` events, `peer_count` peers at the least, and
 * `event`, the one most peers go to, so a message can name it when it is the only one.
 */
export const MESSAGE_PARAMS = {
  resume_peer_gap: ['share', 'pct'],
  project_peer_gap: ['avg'],
  quiz_inactive: ['days'],
  quiz_none: [],
  comeback: ['days'],
  buddies_at_events: ['count', 'events'],
  trending_event: ['event', 'peers'],
  fomo_score: ['days', 'score', 'event_count', 'peer_count', 'event'],
  fomo_first_event: ['score', 'event_count', 'peer_count', 'event'],
  fomo_peers: ['score', 'event_count', 'peer_count', 'event'],
  comeback_buddies: ['days', 'count', 'events'],
  comeback_trending: ['days', 'event', 'peers'],
} as const satisfies Record<string, readonly string[]>;

/** Why a rule fired, in the terms a person reads; thresholds as the reader would write them. */
export const REASON_PARAMS = {
  resume_peer_gap: ['share', 'threshold'],
  project_peer_gap: ['avg', 'threshold'],
  quiz_inactive: ['days', 'limit'],
  quiz_none: [],
  comeback: ['days', 'limit'],
  buddies_at_events: ['count', 'threshold'],
  trending_event: ['event', 'peers', 'threshold'],
  fomo_score: ['score', 'threshold'],
  event_gap: ['days', 'limit'],
  never_attended: [],
} as const satisfies Record<string, readonly string[]>;

export type ReasonId = keyof typeof REASON_PARAMS;

export type RuleMessageId = keyof typeof MESSAGE_PARAMS;

/**
 * Event messages that leave the learner's time away unsaid, and the message that says the same
 * with the time away too (given `days`): how an event nudge speaks when a comeback nudge, which
 * asks for the same action, merges into it. `comeback_buddies` and `comeback_trending` exist for
 * that alone; `fomo_score` is the FOMO rule's own message for a learner away.
 */
export const WITH_TIME_AWAY: Readonly<Partial<Record<RuleMessageId, RuleMessageId>>> = {
  buddies_at_events: 'comeback_buddies',
  trending_event: 'comeback_trending',
  fomo_peers: 'fomo_score',
};

/**
 * Whether a wording names the event it asks the learner to: the buddies' events, the trending
 * one, or the only event peers go to. "Your peers are going to events" names none.
 */
export function namesAnEvent({
  message,
  params,
}: Pick<Wording, 'params'> & { message: string }): boolean {
  switch (message) {
    case 'buddies_at_events':
    case 'comeback_buddies':
    case 'trending_event':
    case 'comeback_trending':
      return true;
    case 'fomo_score':
    case 'fomo_first_event':
    case 'fomo_peers':
      return params.event_count === 1;
    default:
      return false;
  }
}

/** The signals the rules read. */
export type RuleInput = Pick<
  LearnerSignals,
  | 'resumeUploaded'
  | 'projectsAdded'
  | 'quizTopicCount'
  | 'daysSinceLastQuiz'
  | 'daysSinceLastEvent'
  | 'batchResumeUploadedPct'
  | 'batchAvgProjects'
  | 'eventAttendance'
  | 'buddiesAttendingEvents'
>;

/** A message's parameters: numbers, text, or event keys the composer turns into display names. */
export type MessageParams = Readonly<Record<string, number | string | readonly string[]>>;

/**
 * Facts a message states about the learner. Two nudges must not state the same fact twice;
 * config says which facts nudges of different types share (`overlaps`).
 */
export const CLAIMS = ['event_recency', 'peers_at_events', 'buddies_at_events'] as const;

export type Claim = (typeof CLAIMS)[number];

/** One reason, rendered in the reader's language from its id and parameters. */
export interface Reason {
  readonly id: ReasonId;
  readonly params: MessageParams;
}

/** The machine form of a reason, for logs and dashboards to group by. */
export interface Evidence {
  readonly rule: string;
  readonly inputs: Readonly<Record<string, number | boolean | string | null>>;
  readonly threshold: number;
}

/** How a candidate is worded: its message, the message's parameters and the facts it states. */
export interface Wording {
  readonly message: RuleMessageId;
  readonly params: MessageParams;
  readonly claims: readonly Claim[];
}

export interface RuleCandidate extends Wording {
  readonly rule: RuleId;
  readonly type: NudgeType;
  /** Strength in 0..1: 0.5 at the threshold, toward 1 the further past it. */
  readonly score: number;
  readonly reasons: readonly Reason[];
  readonly evidence: Evidence;
  /** The same nudge worded without its event-recency claim, for when another nudge states it. */
  readonly fallback?: Wording;
}
