import { CalendarDay, deriveSignals, LearnerRecord, LearnerSignals } from '@app/learner';

/**
 * The feature contract shared by training and serving. Order matters: it is the order of the
 * model's inputs and is written to `models/manifest.json`; the API refuses models whose manifest
 * lists other names. Heavy-tailed counts enter as ln(1 + x), counts that saturate are capped, and
 * recency is in months capped at three, with a separate flag for "no date known".
 */
export const FEATURE_NAMES = [
  'resume_uploaded',
  'log_karma',
  'projects_added',
  'goal_tag_count',
  'clubs_joined',
  'log_buddy_count',
  'log_login_streak',
  'log_posts_created',
  'log_buddies_interacted',
  'quizzes_taken',
  'quiz_recency_months',
  'never_quizzed',
  'event_recency_months',
  'never_attended',
  'peer_resume_share',
  'peer_avg_projects',
  'buddy_event_count',
  'log_peer_event_max',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** How a feature reads in an explanation ("strongest signals: ..."). */
export const FEATURE_LABELS: Readonly<Record<FeatureName, string>> = {
  resume_uploaded: 'resume on profile',
  log_karma: 'karma',
  projects_added: 'projects added',
  goal_tag_count: 'number of goals',
  clubs_joined: 'clubs joined',
  log_buddy_count: 'number of buddies',
  log_login_streak: 'login streak',
  log_posts_created: 'posts created',
  log_buddies_interacted: 'buddies interacted with',
  quizzes_taken: 'quizzes taken',
  quiz_recency_months: 'time since the last quiz',
  never_quizzed: 'no quiz date on record',
  event_recency_months: 'time since the last event',
  never_attended: 'no event attended yet',
  peer_resume_share: 'peers with a resume',
  peer_avg_projects: 'projects of peers',
  buddy_event_count: 'events buddies attend',
  log_peer_event_max: 'attendance of the most popular event',
};

export const FEATURE_COUNT = FEATURE_NAMES.length;

const RECENCY_CAP_DAYS = 90;
const DAYS_PER_MONTH = 30;
const COUNT_CAP = 10;
const QUIZ_COUNT_CAP = 20;

function recencyMonths(days: number | null): number {
  return Math.min(days ?? RECENCY_CAP_DAYS, RECENCY_CAP_DAYS) / DAYS_PER_MONTH;
}

/** Turns derived signals into the model's raw (unscaled) feature vector. */
export function encodeFeatures(s: LearnerSignals): Float64Array {
  let peerEventMax = 0;
  for (const [, peers] of s.eventAttendance) if (peers > peerEventMax) peerEventMax = peers;
  return Float64Array.of(
    s.resumeUploaded ? 1 : 0,
    Math.log1p(s.karma),
    Math.min(s.projectsAdded, COUNT_CAP),
    Math.min(s.goalTagCount, COUNT_CAP),
    Math.min(s.clubsJoinedCount, COUNT_CAP),
    Math.log1p(s.buddyCount),
    Math.log1p(s.loginStreak),
    Math.log1p(s.postsCreated),
    Math.log1p(s.buddiesInteracted),
    Math.min(s.quizzesTaken, QUIZ_COUNT_CAP),
    recencyMonths(s.daysSinceLastQuiz),
    s.daysSinceLastQuiz === null ? 1 : 0,
    recencyMonths(s.daysSinceLastEvent),
    s.daysSinceLastEvent === null ? 1 : 0,
    s.batchResumeUploadedPct / 100,
    Math.min(s.batchAvgProjects, COUNT_CAP),
    Math.min(s.buddiesAttendingEvents.length, COUNT_CAP),
    Math.log1p(peerEventMax),
  );
}

/** The one function from a request to the model's feature vector; training builds rows with it. */
export function featureVector(record: LearnerRecord, asOf: CalendarDay): Float64Array {
  return encodeFeatures(deriveSignals(record, asOf));
}
