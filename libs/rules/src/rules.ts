import { RulesConfig } from './rules.config';
import { Reason, RuleCandidate, RuleInput, Wording } from './rule-candidate';

/** How far past its threshold a value is, as value / (value + threshold). */
function strength(value: number, threshold: number): number {
  return threshold <= 0 ? 1 : value / (value + threshold);
}

/** `0.7 × 100` is 70.00000000000001 in floating point; the threshold meant is 70. */
function percentOf(share: number): number {
  return Math.round(share * 100 * 1e9) / 1e9;
}

/** Whether any peer is going to any event: the premise of every "your peers are going" message. */
export function peersAttendEvents(
  s: Pick<RuleInput, 'eventAttendance' | 'buddiesAttendingEvents'>,
): boolean {
  if (s.buddiesAttendingEvents.length > 0) return true;
  for (const [, peers] of s.eventAttendance) if (peers > 0) return true;
  return false;
}

/** Who is going to events, as far as the request tells (peersGoing). */
export interface PeersGoing {
  /** Events at least one peer goes to: attended in the batch, or by a buddy. */
  readonly events: number;
  /**
   * Peers going, at the least: each event's batch attendance, and one for an event only buddies
   * are known to attend. A peer at two events counts twice: the request cannot tell.
   */
  readonly peers: number;
  /** The event most peers go to (ties to the first name in alphabetical order); '' for none. */
  readonly event: string;
}

/**
 * Who is going where, so that a FOMO message claims no more than the request shows: one peer at
 * one event is "a peer of yours is going to Startup Meetup", never "your peers are going to
 * events".
 */
export function peersGoing(
  s: Pick<RuleInput, 'eventAttendance' | 'buddiesAttendingEvents'>,
): PeersGoing {
  let events = 0;
  let peers = 0;
  let event = '';
  let most = 0;
  const count = (name: string, going: number): void => {
    events++;
    peers += going;
    if (going > most || (going === most && name < event)) {
      event = name;
      most = going;
    }
  };
  const counted = new Set<string>();
  for (const [name, going] of s.eventAttendance) {
    if (going > 0) {
      counted.add(name);
      count(name, going);
    }
  }
  // A buddy's event counts once, with one peer, unless the batch counts its peers already.
  for (const name of s.buddiesAttendingEvents) {
    if (!counted.has(name)) {
      counted.add(name);
      count(name, 1);
    }
  }
  return { events, peers, event };
}

function resumePeerGap(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const threshold = percentOf(c.profile_rules.resume_threshold);
  if (s.resumeUploaded || !(s.batchResumeUploadedPct > threshold)) return null;
  const pct = s.batchResumeUploadedPct;
  const share = pct / 100;
  return {
    rule: 'resume_peer_gap',
    type: 'resume',
    message: 'resume_peer_gap',
    params: { share, pct },
    claims: [],
    score: share,
    reasons: [{ id: 'resume_peer_gap', params: { share, threshold: threshold / 100 } }],
    evidence: {
      rule: 'resume_peer_gap',
      inputs: { batch_resume_uploaded_pct: pct, resume_uploaded: false },
      threshold,
    },
  };
}

function projectPeerGap(s: RuleInput, c: RulesConfig): RuleCandidate | null {
  const threshold = c.profile_rules.projects_avg_threshold;
  const avg = s.batchAvgProjects;
  if (s.projectsAdded !== 0 || !(avg >= threshold)) return null;
  return {
    rule: 'project_peer_gap',
    type: 'project',
    message: 'project_peer_gap',
    params: { avg },
    claims: [],
    score: strength(avg, threshold),
    reasons: [{ id: 'project_peer_gap', params: { avg, threshold } }],
    evidence: {
      rule: 'project_peer_gap',
      inputs: { projects_added: 0, batch_avg_projects: avg },
      threshold,
    },
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
      claims: [],
      score: 1,
      reasons: [{ id: 'quiz_none', params: {} }],
      evidence: {
        rule: 'quiz_inactive',
        inputs: { days_since_last_quiz: null, quiz_topics: 0 },
        threshold: limit,
      },
    };
  }
  const days = s.daysSinceLastQuiz;
  if (!(days > limit)) return null;
  return {
    rule: 'quiz_inactive',
    type: 'quiz',
    message: 'quiz_inactive',
    params: { days },
    claims: [],
    score: strength(days, limit),
    reasons: [{ id: 'quiz_inactive', params: { days, limit } }],
    evidence: { rule: 'quiz_inactive', inputs: { days_since_last_quiz: days }, threshold: limit },
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
    claims: ['event_recency'],
    score: strength(days, limit),
    reasons: [{ id: 'comeback', params: { days, limit } }],
    evidence: { rule: 'comeback', inputs: { days_since_last_event: days }, threshold: limit },
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
    params: { count: events.length, events },
    claims: ['buddies_at_events'],
    score: strength(events.length, threshold),
    reasons: [{ id: 'buddies_at_events', params: { count: events.length, threshold } }],
    evidence: {
      rule: 'buddies_at_events',
      inputs: { buddies_attending_events: events.length },
      threshold,
    },
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
    claims: ['peers_at_events'],
    score: strength(peers, threshold),
    reasons: [{ id: 'trending_event', params: { event, peers, threshold } }],
    evidence: { rule: 'trending_event', inputs: { event, peers }, threshold },
  };
}

/**
 * The FOMO rule speaks of peers going to events, so it needs peers who are. It names the
 * learner's time away only when the learner is away (`user_inactive_days`), and can yield that
 * part to a comeback nudge (`fallback`).
 */
function fomoScoreRule(s: RuleInput, c: RulesConfig, fomoScore: number): RuleCandidate | null {
  if (!peersAttendEvents(s)) return null;
  const threshold = c.profile_rules.event_fomo_threshold;
  const gap = c.engagement_rules.event_gap_days;
  const days = s.daysSinceLastEvent;
  const reasons: Reason[] = [];
  if (fomoScore >= threshold) {
    reasons.push({ id: 'fomo_score', params: { score: fomoScore, threshold } });
  }
  if (days === null) reasons.push({ id: 'never_attended', params: {} });
  else if (days > gap) reasons.push({ id: 'event_gap', params: { days, limit: gap } });
  if (reasons.length === 0) return null;
  const going = peersGoing(s);
  const who = {
    score: fomoScore,
    event_count: going.events,
    peer_count: going.peers,
    event: going.event,
  };
  const peersOnly: Wording = {
    message: 'fomo_peers',
    params: who,
    claims: ['peers_at_events'],
  };
  const away = days !== null && days > c.engagement_rules.user_inactive_days;
  const wording: Wording =
    days === null
      ? { message: 'fomo_first_event', params: who, claims: ['peers_at_events'] }
      : away
        ? {
            message: 'fomo_score',
            params: { days, ...who },
            claims: ['peers_at_events', 'event_recency'],
          }
        : peersOnly;
  return {
    rule: 'fomo_score',
    type: 'event_fomo',
    ...wording,
    score: fomoScore,
    reasons,
    evidence: {
      rule: 'fomo_score',
      inputs: { fomo_score: fomoScore, days_since_last_event: days },
      threshold,
    },
    ...(wording === peersOnly || days === null ? {} : { fallback: peersOnly }),
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
