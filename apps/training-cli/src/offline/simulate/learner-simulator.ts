import {
  CalendarDay,
  formatCalendarDate,
  LearnerActivity,
  LearnerProfile,
  LearnerRecord,
  PeerSnapshot,
} from '@app/learner';
import { Random } from '../../cli/random';
import { CLUBS, EVENTS, GOAL_TAGS, QUIZ_TOPICS } from './vocabulary';

/**
 * Hidden per-learner traits, standard normal. They shape the observed profile and activity here,
 * and nudge the chance of acting a little in `generative-story.ts`; models never see them.
 */
export interface LatentTraits {
  readonly motivation: number;
  readonly time_pressure: number;
}

/** A peer group's numbers: the request's `peer_snapshot` without the learner's own buddies. */
export interface SimulatedSnapshot extends Omit<PeerSnapshot, 'buddies_attending_events'> {
  readonly snapshot_id: string;
}

/** One line of `simulated_profiles.json`: the request's `user_data`, its batch and its traits. */
export interface SimulatedLearner {
  readonly user_id: string;
  readonly snapshot_id: string;
  readonly profile: LearnerProfile;
  readonly activity: LearnerActivity;
  /** Events of the learner's batch that some of their buddies attend. */
  readonly buddies_attending_events: string[];
  readonly latent: LatentTraits;
}

const MAX_KARMA = 100_000;
const MAX_QUIZZES = 15;
const QUIZ_LOOKBACK_DAYS = 365;
const EVENT_LOOKBACK_DAYS = 400;

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** Rounded so the file holds exactly the numbers the labels are computed from. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function pad(index: number, width: number): string {
  return String(index).padStart(width, '0');
}

export function snapshotId(index: number): string {
  return `batch_${pad(index + 1, 2)}`;
}

export function userId(index: number, users: number): string {
  return `stu_${pad(index + 1, String(users).length)}`;
}

/** A batch: its resume share, project average and a handful of events with peer attendance. */
export function simulateSnapshot(random: Random, index: number): SimulatedSnapshot {
  const avgProjects = round(random.between(0.5, 3.5), 1);
  const resumePct = Math.round(random.between(35, 95));
  const events = random.sample(EVENTS, 2 + random.int(5));
  const attendance: Record<string, number> = {};
  for (const event of events) attendance[event] = random.poisson(Math.exp(random.normal(1.8, 0.7)));
  return {
    snapshot_id: snapshotId(index),
    batch_avg_projects: avgProjects,
    batch_resume_uploaded_pct: resumePct,
    batch_event_attendance: attendance,
  };
}

/**
 * One learner of a batch. Motivation raises every kind of activity; time pressure lowers the
 * daily ones (streak, posts, quizzes, events) and stretches the gaps since the last quiz and event.
 */
export function simulateLearner(
  random: Random,
  id: string,
  snapshot: SimulatedSnapshot,
  asOf: CalendarDay,
): SimulatedLearner {
  const motivation = round(random.normal(), 4);
  const timePressure = round(random.normal(), 4);
  const m = motivation;
  const t = timePressure;
  const daysAgo = (days: number): string => formatCalendarDate(asOf - days);

  const karma = Math.min(Math.round(Math.exp(random.normal(3.8 + 0.7 * m, 0.6))), MAX_KARMA);
  const loginStreak = random.poisson(Math.exp(0.9 + 0.6 * m - 0.4 * t));
  const postsCreated = random.poisson(Math.exp(0.2 + 0.5 * m - 0.2 * t));
  const buddyCount = random.poisson(Math.exp(1.0 + 0.25 * m));
  const buddiesInteracted = random.binomial(buddyCount, sigmoid(-0.3 + 0.7 * m - 0.4 * t));
  const projectsAdded = random.poisson(
    Math.exp(-0.6 + 0.45 * m - 0.3 * t + 0.3 * (snapshot.batch_avg_projects - 2)),
  );
  const peerShare = snapshot.batch_resume_uploaded_pct / 100;
  const resumeUploaded = random.bernoulli(
    sigmoid(0.8 * logit(peerShare) + 0.6 * m - 0.3 * t - 0.3),
  );
  const goalTags = random.sample(
    GOAL_TAGS,
    Math.min(random.poisson(1.2 + 0.3 * Math.max(m, 0)), 5),
  );
  const clubs = random.sample(CLUBS, Math.min(random.poisson(Math.exp(-0.2 + 0.3 * m)), 6));

  // Quiz dates walk back from the latest one; older gaps are habit, the latest gap is pressure.
  const quizCount = Math.min(random.poisson(Math.exp(0.9 + 0.5 * m - 0.3 * t)), MAX_QUIZZES);
  const quizDaysAgo: number[] = [];
  let quizDay = Math.floor(random.exponential(20 * Math.exp(-0.4 * m + 0.5 * t)));
  for (let i = 0; i < quizCount && quizDay <= QUIZ_LOOKBACK_DAYS; i++) {
    quizDaysAgo.push(quizDay);
    quizDay += 1 + Math.floor(random.exponential(12));
  }
  const topics = random.sample(QUIZ_TOPICS, random.poisson(1));
  const lastQuizKnown = quizDaysAgo.length > 0 && random.bernoulli(0.85);

  const attended = random.bernoulli(sigmoid(0.8 + 0.7 * m + 0.3 * Math.log1p(buddyCount)));
  const eventDaysAgo = Math.min(
    Math.floor(random.exponential(28 * Math.exp(-0.4 * m + 0.4 * t))),
    EVENT_LOOKBACK_DAYS,
  );

  // A buddy goes to an event about as often as the batch does; more buddies, more chances.
  const buddiesAttending = Object.entries(snapshot.batch_event_attendance)
    .filter(([, peers]) => random.bernoulli(1 - (1 - Math.min(0.5, peers / 60)) ** buddyCount))
    .map(([event]) => event);

  return {
    user_id: id,
    snapshot_id: snapshot.snapshot_id,
    profile: {
      resume_uploaded: resumeUploaded,
      goal_tags: goalTags,
      karma,
      projects_added: projectsAdded,
      quiz_history: [...quizDaysAgo.map(daysAgo), ...topics],
      clubs_joined: clubs,
      buddy_count: buddyCount,
    },
    activity: {
      login_streak: loginStreak,
      posts_created: postsCreated,
      buddies_interacted: buddiesInteracted,
      last_event_attended: attended ? daysAgo(eventDaysAgo) : null,
      last_quiz_taken: lastQuizKnown ? daysAgo(quizDaysAgo[0]) : null,
    },
    buddies_attending_events: buddiesAttending,
    latent: { motivation, time_pressure: timePressure },
  };
}

/** The request the API would get for this learner: the contract's input, nothing more. */
export function learnerRecord(
  learner: SimulatedLearner,
  snapshot: SimulatedSnapshot,
): LearnerRecord {
  return {
    user_data: { user_id: learner.user_id, profile: learner.profile, activity: learner.activity },
    peer_snapshot: {
      batch_avg_projects: snapshot.batch_avg_projects,
      batch_resume_uploaded_pct: snapshot.batch_resume_uploaded_pct,
      batch_event_attendance: snapshot.batch_event_attendance,
      buddies_attending_events: learner.buddies_attending_events,
    },
  };
}
