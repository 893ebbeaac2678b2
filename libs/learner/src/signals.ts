import { CalendarDay, parseCalendarDate, QUIZ_TOPIC, quizDay } from './calendar';
import { LearnerRecord } from './learner';

/**
 * What the engine knows about a learner on `as_of`, derived once from the request: the rules,
 * the FOMO score and the feature vector all read these, so date arithmetic lives in one place.
 */
export interface LearnerSignals {
  readonly resumeUploaded: boolean;
  readonly karma: number;
  readonly projectsAdded: number;
  readonly goalTagCount: number;
  readonly clubsJoinedCount: number;
  readonly buddyCount: number;
  readonly loginStreak: number;
  readonly postsCreated: number;
  readonly buddiesInteracted: number;
  /** Distinct quiz dates in `quiz_history` and `last_quiz_taken`. */
  readonly quizzesTaken: number;
  /** Entries of `quiz_history` that are topics rather than dates. */
  readonly quizTopicCount: number;
  /** Whole days from the latest quiz date to `as_of`; null when no quiz date is known. */
  readonly daysSinceLastQuiz: number | null;
  /** Whole days from `last_event_attended` to `as_of`; null when never attended. */
  readonly daysSinceLastEvent: number | null;
  readonly batchResumeUploadedPct: number;
  readonly batchAvgProjects: number;
  readonly eventAttendance: ReadonlyArray<readonly [event: string, peers: number]>;
  readonly buddiesAttendingEvents: readonly string[];
}

/** Requests are validated before they get here; an unparsable date is treated as unknown. */
function dayOrNull(value: string | null | undefined): CalendarDay | null {
  return value === null || value === undefined ? null : parseCalendarDate(value);
}

export function deriveSignals(record: LearnerRecord, asOf: CalendarDay): LearnerSignals {
  const { profile, activity } = record.user_data;
  const peers = record.peer_snapshot;

  const quizDays = new Set<CalendarDay>();
  let quizTopicCount = 0;
  for (const entry of profile.quiz_history) {
    // A date (YYYY-MM-DD, or an RFC 3339 date-time's UTC day, as validation allows); a string
    // that is no date, or one validation would have refused, counts as a topic.
    const day = quizDay(entry);
    if (day === null || day === QUIZ_TOPIC) quizTopicCount++;
    else quizDays.add(day);
  }
  const lastQuizTaken = dayOrNull(activity.last_quiz_taken);
  if (lastQuizTaken !== null) quizDays.add(lastQuizTaken);
  let latestQuiz: CalendarDay | null = null;
  for (const day of quizDays) if (latestQuiz === null || day > latestQuiz) latestQuiz = day;

  const lastEvent = dayOrNull(activity.last_event_attended);

  return {
    resumeUploaded: profile.resume_uploaded,
    karma: profile.karma,
    projectsAdded: profile.projects_added,
    goalTagCount: profile.goal_tags.length,
    clubsJoinedCount: profile.clubs_joined.length,
    buddyCount: profile.buddy_count,
    loginStreak: activity.login_streak,
    postsCreated: activity.posts_created,
    buddiesInteracted: activity.buddies_interacted,
    quizzesTaken: quizDays.size,
    quizTopicCount,
    daysSinceLastQuiz: latestQuiz === null ? null : asOf - latestQuiz,
    daysSinceLastEvent: lastEvent === null ? null : asOf - lastEvent,
    batchResumeUploadedPct: peers.batch_resume_uploaded_pct,
    batchAvgProjects: peers.batch_avg_projects,
    eventAttendance: Object.entries(peers.batch_event_attendance),
    buddiesAttendingEvents: peers.buddies_attending_events,
  };
}
