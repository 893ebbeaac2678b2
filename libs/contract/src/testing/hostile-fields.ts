import { ATTENDANCE, bodyWith, MUST } from './hostile-bodies';

// ---------------------------------------------------------------------------------------------
// The fields of a request, by kind

export type Kind =
  | 'object'
  | 'string'
  | 'boolean'
  | 'count'
  | 'number'
  | 'percent'
  | 'strings'
  | 'date'
  | 'attendance';

export interface Field {
  readonly path: string;
  readonly kind: Kind;
  readonly problem: string;
  /** Absent and null are accepted (dates meaning "never / unknown", as_of meaning today). */
  readonly optional?: true;
}

export const FIELDS: readonly Field[] = [
  { path: 'user_data', kind: 'object', problem: MUST.object },
  { path: 'user_data.user_id', kind: 'string', problem: MUST.userId },
  { path: 'user_data.profile', kind: 'object', problem: MUST.object },
  { path: 'user_data.profile.resume_uploaded', kind: 'boolean', problem: MUST.boolean },
  { path: 'user_data.profile.goal_tags', kind: 'strings', problem: MUST.goalTags },
  { path: 'user_data.profile.karma', kind: 'count', problem: MUST.count },
  { path: 'user_data.profile.projects_added', kind: 'count', problem: MUST.count },
  { path: 'user_data.profile.quiz_history', kind: 'strings', problem: MUST.quizHistory },
  { path: 'user_data.profile.clubs_joined', kind: 'strings', problem: MUST.clubs },
  { path: 'user_data.profile.buddy_count', kind: 'count', problem: MUST.count },
  { path: 'user_data.activity', kind: 'object', problem: MUST.object },
  { path: 'user_data.activity.login_streak', kind: 'count', problem: MUST.count },
  { path: 'user_data.activity.posts_created', kind: 'count', problem: MUST.count },
  { path: 'user_data.activity.buddies_interacted', kind: 'count', problem: MUST.count },
  {
    path: 'user_data.activity.last_event_attended',
    kind: 'date',
    problem: MUST.date,
    optional: true,
  },
  { path: 'user_data.activity.last_quiz_taken', kind: 'date', problem: MUST.date, optional: true },
  { path: 'peer_snapshot', kind: 'object', problem: MUST.object },
  { path: 'peer_snapshot.batch_avg_projects', kind: 'number', problem: MUST.number },
  { path: 'peer_snapshot.batch_resume_uploaded_pct', kind: 'percent', problem: MUST.percent },
  { path: ATTENDANCE, kind: 'attendance', problem: MUST.attendance },
  { path: 'peer_snapshot.buddies_attending_events', kind: 'strings', problem: MUST.eventList },
  { path: 'as_of', kind: 'date', problem: MUST.date, optional: true },
];

/** A count inside the attendance map; its path names the event. */
export const EVENT_COUNT = {
  set: `${ATTENDANCE}.coding-contest`,
  reported: `${ATTENDANCE}["coding-contest"]`,
};

export const DATES = FIELDS.filter((f) => f.kind === 'date');

/** Where a date can be: the three date fields and an entry of quiz_history. */
export const DATE_PLACES: readonly {
  readonly name: string;
  readonly reported: string;
  readonly body: (date: string) => string;
}[] = [
  ...DATES.map((field) => ({
    name: field.path,
    reported: field.path,
    body: (date: string) => bodyWith(field.path, date),
  })),
  {
    name: 'user_data.profile.quiz_history[1]',
    reported: 'user_data.profile.quiz_history[1]',
    body: (date: string) => bodyWith('user_data.profile.quiz_history', ['python', date]),
  },
];
