import { formatNumber, LearnerSignals, NudgeType } from '@app/learner';
import { RulesConfig } from './rules.config';

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

/** Which message template a candidate uses; a rule with two situations has two messages. */
export const MESSAGE_PARAMS = {
  resume_peer_gap: ['pct'],
  project_peer_gap: ['avg'],
  quiz_inactive: ['days'],
  quiz_none: [],
  comeback: ['days'],
  buddies_at_events: ['count', 'events'],
  trending_event: ['event', 'peers'],
  fomo_score: ['days', 'score'],
  fomo_first_event: ['score'],
} as const satisfies Record<string, readonly string[]>;

export type RuleMessageId = keyof typeof MESSAGE_PARAMS;

export type MessageParams = Readonly<Record<string, string | number>>;

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

export interface RuleCandidate {
  readonly rule: RuleId;
  readonly type: NudgeType;
  readonly message: RuleMessageId;
  readonly params: MessageParams;
  /** Strength in 0..1: 0.5 at the threshold, toward 1 the further past it. */
  readonly score: number;
  readonly reasons: readonly string[];
}

/** How far past its threshold a value is, as value / (value + threshold). */
function strength(value: number, threshold: number): number {
  return threshold <= 0 ? 1 : value / (value + threshold);
}

/** `0.7 × 100` is 70.00000000000001 in floating point; the threshold meant is 70. */
function percentOf(share: number): number {
  return Math.round(share * 100 * 1e9) / 1e9;
}

/** Lists event names for a title: "a", "a and b", "a, b and 2 more". */
export function formatEventList(events: readonly string[], shown = 2): string {
  if (events.length <= 1) return events.join('');
  if (events.length <= shown + 1) {
    return `${events.slice(0, -1).join(', ')} and ${events[events.length - 1]}`;
  }
  return `${events.slice(0, shown).join(', ')} and ${events.length - shown} more`;
}

function resumePeerGap(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const threshold = percentOf(c.profile_rules.resume_threshold);
  if (s.resumeUploaded || !(s.batchResumeUploadedPct > threshold)) return null;
  const pct = s.batchResumeUploadedPct;
  return {
    rule: 'resume_peer_gap',
    type: 'resume',
    message: 'resume_peer_gap',
    params: { pct },
    score: pct / 100,
    reasons: [
      `batch_resume_uploaded_pct ${formatNumber(pct)} > threshold ${formatNumber(threshold)}`,
      'resume_uploaded is false',
    ],
  };
}

function projectPeerGap(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const threshold = c.profile_rules.projects_avg_threshold;
  if (s.projectsAdded !== 0 || !(s.batchAvgProjects >= threshold)) return null;
  return {
    rule: 'project_peer_gap',
    type: 'project',
    message: 'project_peer_gap',
    params: { avg: s.batchAvgProjects },
    score: strength(s.batchAvgProjects, threshold),
    reasons: [
      'projects_added is 0',
      `batch_avg_projects ${formatNumber(s.batchAvgProjects)} >= threshold ${formatNumber(threshold)}`,
    ],
  };
}

function quizInactive(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const limit = c.engagement_rules.quiz_inactive_days;
  if (s.daysSinceLastQuiz === null) {
    // Topics without dates say the learner took quizzes, but not when: no nudge.
    if (s.quizTopicCount > 0) return null;
    return {
      rule: 'quiz_inactive',
      type: 'quiz',
      message: 'quiz_none',
      params: {},
      score: 1,
      reasons: ['no quiz taken: quiz_history is empty and last_quiz_taken is not set'],
    };
  }
  const days = s.daysSinceLastQuiz;
  if (!(days > limit)) return null;
  return {
    rule: 'quiz_inactive',
    type: 'quiz',
    message: 'quiz_inactive',
    params: { days },
    score: strength(days, limit),
    reasons: [`last quiz ${days} days before as_of > quiz_inactive_days ${limit}`],
  };
}

function comeback(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const limit = c.engagement_rules.user_inactive_days;
  const days = s.daysSinceLastEvent;
  if (days === null || !(days > limit)) return null;
  return {
    rule: 'comeback',
    type: 'comeback',
    message: 'comeback',
    params: { days },
    score: strength(days, limit),
    reasons: [`last_event_attended ${days} days before as_of > user_inactive_days ${limit}`],
  };
}

function buddiesAtEvents(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const threshold = c.engagement_rules.buddies_event_threshold;
  const events = s.buddiesAttendingEvents;
  if (!(events.length >= threshold)) return null;
  return {
    rule: 'buddies_at_events',
    type: 'event_fomo',
    message: 'buddies_at_events',
    params: { count: events.length, events: formatEventList(events) },
    score: strength(events.length, threshold),
    reasons: [`buddies attend ${events.length} events >= buddies_event_threshold ${threshold}`],
  };
}

function trendingEvent(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const threshold = c.engagement_rules.event_peer_threshold;
  let top: readonly [string, number] | undefined;
  for (const entry of s.eventAttendance) {
    // The most attended event; equal counts go to the name first in alphabetical order.
    if (top === undefined || entry[1] > top[1] || (entry[1] === top[1] && entry[0] < top[0])) {
      top = entry;
    }
  }
  if (top === undefined || !(top[1] >= threshold)) return null;
  const [event, peers] = top;
  return {
    rule: 'trending_event',
    type: 'event_fomo',
    message: 'trending_event',
    params: { event, peers },
    score: strength(peers, threshold),
    reasons: [`${event} has ${peers} peers attending >= event_peer_threshold ${threshold}`],
  };
}

function fomoScoreRule(s: RuleInput, c: RulesConfig, fomoScore: number): RuleCandidate | null {
  const threshold = c.profile_rules.event_fomo_threshold;
  const gap = c.engagement_rules.event_gap_days;
  const days = s.daysSinceLastEvent;
  const reasons: string[] = [];
  if (fomoScore >= threshold) {
    reasons.push(
      `fomo score ${formatNumber(fomoScore)} >= event_fomo_threshold ${formatNumber(threshold)}`,
    );
  }
  if (days === null) reasons.push('no event attended yet');
  else if (days > gap) reasons.push(`last event ${days} days before as_of > ${gap} days`);
  if (reasons.length === 0) return null;
  return {
    rule: 'fomo_score',
    type: 'event_fomo',
    message: days === null ? 'fomo_first_event' : 'fomo_score',
    params: days === null ? { score: fomoScore } : { days, score: fomoScore },
    score: fomoScore,
    reasons,
  };
}

/** Every rule that fires, in the rule table's order; each rule yields at most one candidate. */
export function evaluateRules(
  input: RuleInput,
  config: RulesConfig,
  fomoScore: number,
): RuleCandidate[] {
  const candidates = [
    resumePeerGap(input, config),
    projectPeerGap(input, config),
    quizInactive(input, config),
    comeback(input, config),
    buddiesAtEvents(input, config),
    trendingEvent(input, config),
    fomoScoreRule(input, config, fomoScore),
  ];
  return candidates.filter((candidate): candidate is RuleCandidate => candidate !== null);
}
