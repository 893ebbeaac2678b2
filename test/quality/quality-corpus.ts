import {
  CalendarDay,
  EventDisplayName,
  formatCalendarDate,
  LearnerRecord,
  NUDGE_TYPES,
  NudgeType,
  parseCalendarDate,
} from '@app/learner';
import {
  learnerRecord,
  simulateLearner,
  simulateSnapshot,
  SimulatedSnapshot,
  userId,
} from '../../apps/training-cli/src/offline/simulate/learner-simulator';
import { Random } from '../../apps/training-cli/src/cli/random';

export const QUALITY_AS_OF = '2025-06-30';

/** A request as a client sends it, with the simulator's record and the optional fields. */
export interface QualityRequest extends LearnerRecord {
  as_of: string;
  locale?: string;
  history?: { type: NudgeType; sent_at: string }[];
}

/** One learner of the corpus and the edge case it was bent into, to name it in a failure. */
export interface QualityCase {
  readonly variant: Variant;
  readonly body: QualityRequest;
}

/**
 * The edge cases beyond what the simulator draws: gaps of decades, yesterday's event, batches
 * without events or with only empty ones, display names, snake_case keys, a streaky learner, and
 * an event or a quiz about a year or two away, where spans turn from months to years, and a
 * history of nudges delivered in the last week, which cooldowns and the weekly cap hold back,
 * and a batch where one peer goes to one event (at times a buddy's), the rest to none, and events
 * whose keys hold acronyms (`gdg-devfest`, `nlp-night`).
 */
export const VARIANTS = [
  'simulated',
  'long_gap',
  'event_yesterday',
  'no_events',
  'zero_attendance',
  'event_names',
  'snake_case_keys',
  'streak_recent_event',
  'year_away',
  'recent_history',
  'one_peer_one_event',
  'acronym_slugs',
] as const;

export type Variant = (typeof VARIANTS)[number];

/** Names an organiser would give the simulator's events: none is the key made readable. */
export const EVENT_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'startup-meetup': 'Founders Friday',
  'coding-contest': 'CodeStorm 2025',
  hackathon: 'HackNight',
  'career-fair': 'Campus Careers Expo',
  'ai-workshop': 'Hands-on AI Lab',
  'alumni-talk': 'Alumni Fireside Chat',
  'resume-clinic': 'CV Review Desk',
  'open-source-sprint': 'OSS Weekend',
  'design-jam': 'UX Jam Session',
  'mock-interview-day': 'Interview Prep Day',
  'tech-talk': 'Tuesday Tech Talk',
  'product-teardown': 'Product Deep Dive',
};

const LONG_GAP_DAYS = { min: 400, max: 13_000 } as const;
/** Event keys with acronyms, given in turn to a batch's events. */
export const ACRONYM_KEYS = ['gdg-devfest', 'nlp-night', 'css-battle', 'ai-ml-meetup', 'ux-jam'];

/** Spans at the turn from months to years, and a whole two years. */
const YEAR_AWAY_DAYS = [360, 364, 365, 366, 729, 730, 731] as const;

/** Event keys renamed in place: the dictionaries keep their order, buddies their events. */
function renameEvents(record: LearnerRecord, rename: (key: string) => string): void {
  const peers = record.peer_snapshot;
  peers.batch_event_attendance = Object.fromEntries(
    Object.entries(peers.batch_event_attendance).map(([key, count]) => [rename(key), count]),
  );
  peers.buddies_attending_events = peers.buddies_attending_events.map(rename);
}

/** Names an organiser gives per locale, with tags of a language as well as languages. */
export const EVENT_LOCALE_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  hackathon: { en: 'HackNight', hi: 'हैकनाइट' },
  'career-fair': { en: 'Campus Careers Expo', es: 'Feria de Empleo', hi: 'कैंपस करियर मेला' },
  'tech-talk': { 'en-US': 'Tuesday Tech Talk', 'es-419': 'Charla Técnica del Martes' },
};

/**
 * Display names for about half of the batch's events, so named and unnamed keys mix; an event
 * with names per locale gets those half of the time it is named.
 */
function nameSomeEvents(record: LearnerRecord, random: Random, original: (key: string) => string) {
  const names: Record<string, EventDisplayName> = {};
  for (const key of Object.keys(record.peer_snapshot.batch_event_attendance)) {
    const name = EVENT_DISPLAY_NAMES[original(key)];
    if (name === undefined || !random.bernoulli(0.5)) continue;
    const perLocale = EVENT_LOCALE_NAMES[original(key)];
    names[key] = perLocale !== undefined && random.bernoulli(0.5) ? perLocale : name;
  }
  record.peer_snapshot.event_names = names;
}

/**
 * The learner's latest quiz is on `day`: it heads the quiz history, whose other dates are dropped
 * (the topics stay), and `last_quiz_taken` says `lastTaken`.
 */
function quizzedOn(record: LearnerRecord, day: string, lastTaken: string | null): void {
  const { profile, activity } = record.user_data;
  const topics = profile.quiz_history.filter((entry) => parseCalendarDate(entry) === null);
  profile.quiz_history = [day, ...topics];
  activity.last_quiz_taken = lastTaken;
}

function bend(record: LearnerRecord, variant: Variant, random: Random, asOf: CalendarDay): void {
  const { profile, activity } = record.user_data;
  const peers = record.peer_snapshot;
  const daysAgo = (days: number): string => formatCalendarDate(asOf - days);
  const longGap = (): number =>
    LONG_GAP_DAYS.min + random.int(LONG_GAP_DAYS.max - LONG_GAP_DAYS.min);
  switch (variant) {
    case 'simulated':
      return;
    case 'long_gap': {
      // The event, the quiz, or both lie years back.
      const which = random.int(3);
      if (which !== 1) activity.last_event_attended = daysAgo(longGap());
      if (which !== 0) {
        const quiz = daysAgo(longGap());
        quizzedOn(record, quiz, random.bernoulli(0.5) ? quiz : null);
      }
      return;
    }
    case 'event_yesterday':
      activity.last_event_attended = daysAgo(1);
      return;
    case 'no_events':
      peers.batch_event_attendance = {};
      peers.buddies_attending_events = [];
      profile.buddy_count = 0;
      activity.buddies_interacted = 0;
      return;
    case 'zero_attendance':
      // Events on the calendar that nobody goes to; half of these learners' buddies still do.
      for (const key of Object.keys(peers.batch_event_attendance)) {
        peers.batch_event_attendance[key] = 0;
      }
      if (random.bernoulli(0.5)) peers.buddies_attending_events = [];
      return;
    case 'event_names':
      nameSomeEvents(record, random, (key) => key);
      return;
    case 'snake_case_keys':
      renameEvents(record, (key) => key.replace(/-/g, '_'));
      nameSomeEvents(record, random, (key) => key.replace(/_/g, '-'));
      return;
    case 'streak_recent_event':
      activity.login_streak = 60;
      activity.last_event_attended = daysAgo(3);
      return;
    case 'one_peer_one_event': {
      const keys = Object.keys(peers.batch_event_attendance);
      for (const key of keys) peers.batch_event_attendance[key] = 0;
      const [event] = keys;
      if (event !== undefined) peers.batch_event_attendance[event] = 1;
      peers.buddies_attending_events = event !== undefined && random.bernoulli(0.5) ? [event] : [];
      return;
    }
    case 'acronym_slugs': {
      const keys = Object.keys(peers.batch_event_attendance);
      const renamed = new Map(keys.map((key, i) => [key, ACRONYM_KEYS[i] ?? key]));
      renameEvents(record, (key) => renamed.get(key) ?? key);
      return;
    }
    case 'year_away': {
      const day = daysAgo(YEAR_AWAY_DAYS[random.int(YEAR_AWAY_DAYS.length)]);
      if (random.bernoulli(0.5)) {
        activity.last_event_attended = day;
      } else {
        quizzedOn(record, day, day);
      }
      return;
    }
  }
}

/**
 * Nudges delivered in the week before as_of: two to five of any types (their cooldowns hold them
 * back), or, for half the learners, nine to twelve of one or two types, which fill the weekly cap
 * (10 in the shipped config) so the other types wait for a place.
 */
function recentHistory(random: Random, asOf: CalendarDay): QualityRequest['history'] {
  const heavy = random.bernoulli(0.5);
  const types = heavy
    ? [NUDGE_TYPES[random.int(NUDGE_TYPES.length)], NUDGE_TYPES[random.int(NUDGE_TYPES.length)]]
    : NUDGE_TYPES;
  const size = heavy ? 9 + random.int(4) : 2 + random.int(4);
  return Array.from({ length: size }, () => ({
    type: types[random.int(types.length)],
    sent_at: formatCalendarDate(asOf - random.int(7)),
  }));
}

/**
 * `size` valid requests: the training CLI's simulated learners across 10 peer groups, each bent
 * into one of VARIANTS and a third of them asking for Spanish or Hindi. The simulator and the
 * bends draw from separate streams, so the learners are the ones the simulator gives for `seed`.
 */
export function qualityCorpus(size: number, seed: number): QualityCase[] {
  const simulator = new Random(seed, 99);
  const bends = new Random(seed, 100);
  const asOf = parseCalendarDate(QUALITY_AS_OF) as CalendarDay;
  const snapshots: SimulatedSnapshot[] = Array.from({ length: 10 }, (_, i) =>
    simulateSnapshot(simulator, i),
  );
  return Array.from({ length: size }, (_, i) => {
    const snapshot = snapshots[i % snapshots.length];
    const learner = simulateLearner(simulator, userId(i, size), snapshot, asOf);
    // A deep copy: the snapshot's attendance is shared by every learner of the batch.
    const record = structuredClone(learnerRecord(learner, snapshot));
    const variant = VARIANTS[bends.int(VARIANTS.length)];
    bend(record, variant, bends, asOf);
    const body: QualityRequest = { ...record, as_of: QUALITY_AS_OF };
    if (variant === 'recent_history') body.history = recentHistory(bends, asOf);
    const language = bends.int(6);
    if (language === 0) body.locale = 'es';
    else if (language === 1) body.locale = 'hi';
    return { variant, body };
  });
}
