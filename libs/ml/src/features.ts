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

/** Vectors cut from one block by newFeatureVector: 36 KB, alive while any of its vectors is. */
const VECTORS_PER_BLOCK = 256;
const VECTOR_BYTES = FEATURE_COUNT * Float64Array.BYTES_PER_ELEMENT;
let block = new ArrayBuffer(VECTORS_PER_BLOCK * VECTOR_BYTES);
let vectorsCut = 0;

/**
 * A new zeroed feature vector, a view of a block shared with the vectors made before and after
 * it. A Float64Array of its own has a buffer of its own outside V8's heap, which V8 allocates,
 * zeroes, tracks and sweeps one by one: 2–3 µs a vector in a loop on a 2-core VM, about 1 µs of
 * the engine's 13 per answer in a profile; a view of a block takes 40–100 ns. Its `buffer` is
 * the block's, so a caller that sends a vector to a thread sends a copy (`slice()`), not it.
 */
export function newFeatureVector(): Float64Array {
  if (vectorsCut === VECTORS_PER_BLOCK) {
    block = new ArrayBuffer(VECTORS_PER_BLOCK * VECTOR_BYTES);
    vectorsCut = 0;
  }
  return new Float64Array(block, VECTOR_BYTES * vectorsCut++, FEATURE_COUNT);
}

/**
 * Turns derived signals into the model's raw (unscaled) feature vector, in FEATURE_NAMES order.
 * Filled slot by slot: `Float64Array.of` with 18 arguments is several times slower, per answer.
 * `into`, when given, is filled and returned: for a caller done with the vector before it
 * encodes the next. Otherwise the vector is a new one (newFeatureVector).
 */
export function encodeFeatures(
  s: LearnerSignals,
  into: Float64Array = newFeatureVector(),
): Float64Array {
  let peerEventMax = 0;
  for (const [, peers] of s.eventAttendance) if (peers > peerEventMax) peerEventMax = peers;
  const x = into;
  x[0] = s.resumeUploaded ? 1 : 0;
  x[1] = Math.log1p(s.karma);
  x[2] = Math.min(s.projectsAdded, COUNT_CAP);
  x[3] = Math.min(s.goalTagCount, COUNT_CAP);
  x[4] = Math.min(s.clubsJoinedCount, COUNT_CAP);
  x[5] = Math.log1p(s.buddyCount);
  x[6] = Math.log1p(s.loginStreak);
  x[7] = Math.log1p(s.postsCreated);
  x[8] = Math.log1p(s.buddiesInteracted);
  x[9] = Math.min(s.quizzesTaken, QUIZ_COUNT_CAP);
  x[10] = recencyMonths(s.daysSinceLastQuiz);
  x[11] = s.daysSinceLastQuiz === null ? 1 : 0;
  x[12] = recencyMonths(s.daysSinceLastEvent);
  x[13] = s.daysSinceLastEvent === null ? 1 : 0;
  x[14] = s.batchResumeUploadedPct / 100;
  x[15] = Math.min(s.batchAvgProjects, COUNT_CAP);
  x[16] = Math.min(s.buddiesAttendingEvents.length, COUNT_CAP);
  x[17] = Math.log1p(peerEventMax);
  return x;
}

/** The one function from a request to the model's feature vector; training builds rows with it. */
export function featureVector(record: LearnerRecord, asOf: CalendarDay): Float64Array {
  return encodeFeatures(deriveSignals(record, asOf));
}
