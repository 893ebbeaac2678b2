import { parseCalendarDate } from '@app/learner';
import { EXAMPLE_REQUEST } from '../dto/examples';
import { DELETE, withField } from '../testing/request-fixtures';
import { validateAnalyzeRequest } from './validate-request';

const TODAY = parseCalendarDate('2025-07-15')!;
function errorsOf(body: unknown): string[] {
  const result = validateAnalyzeRequest(body, TODAY);
  return result.ok ? [] : result.errors.map((error) => error.message);
}

describe(validateAnalyzeRequest.name, () => {
  it('accepts the example request and resolves its as_of', () => {
    const result = validateAnalyzeRequest(EXAMPLE_REQUEST, TODAY);
    expect(result.ok && result.value.asOf).toBe(parseCalendarDate('2025-06-30'));
  });

  it('uses the default day when as_of is absent and writes it back', () => {
    const result = validateAnalyzeRequest(withField('as_of', DELETE), TODAY);
    expect(result.ok && [result.value.asOf, result.value.request.as_of]).toEqual([
      TODAY,
      '2025-07-15',
    ]);
  });

  it('ignores unknown fields and strips them', () => {
    const result = validateAnalyzeRequest(
      withField('user_data.profile.favourite_colour', 'teal'),
      TODAY,
    );
    expect(result.ok && 'favourite_colour' in result.value.request.user_data.profile).toBe(false);
  });

  it.each([
    ['user_data.profile.karma', '190', 'user_data.profile.karma must be a non-negative integer'],
    ['user_data.profile.karma', -1, 'user_data.profile.karma must be a non-negative integer'],
    ['user_data.profile.karma', 1.5, 'user_data.profile.karma must be a non-negative integer'],
    ['user_data.profile.karma', 1e12, 'user_data.profile.karma must be at most 1000000000'],
    ['user_data.profile.karma', DELETE, 'user_data.profile.karma is required'],
    [
      'user_data.profile.resume_uploaded',
      'false',
      'user_data.profile.resume_uploaded must be a boolean (true or false)',
    ],
    [
      'user_data.profile.resume_uploaded',
      0,
      'user_data.profile.resume_uploaded must be a boolean (true or false)',
    ],
    [
      'user_data.profile.goal_tags',
      'GRE',
      'user_data.profile.goal_tags must be an array of at most 50 strings of at most 64 characters',
    ],
    [
      'user_data.profile.goal_tags',
      ['x'.repeat(65)],
      'user_data.profile.goal_tags must be an array of at most 50 strings of at most 64 characters',
    ],
    [
      'user_data.profile.goal_tags',
      new Array(51).fill('t'),
      'user_data.profile.goal_tags must be an array of at most 50 strings of at most 64 characters',
    ],
    [
      'user_data.profile.clubs_joined',
      [1],
      'user_data.profile.clubs_joined must be an array of at most 100 strings of at most 64 characters',
    ],
    ['user_data.profile.buddy_count', null, 'user_data.profile.buddy_count is required'],
    ['user_data.profile', [], 'user_data.profile must be an object'],
    ['user_data.user_id', '', 'user_data.user_id must be a string of 1 to 128 characters'],
    ['user_data.user_id', 7023, 'user_data.user_id must be a string of 1 to 128 characters'],
    [
      'user_data.user_id',
      'u'.repeat(129),
      'user_data.user_id must be a string of 1 to 128 characters',
    ],
    [
      'user_data.activity.login_streak',
      true,
      'user_data.activity.login_streak must be a non-negative integer',
    ],
    [
      'user_data.activity.last_event_attended',
      '2025-02-30',
      'user_data.activity.last_event_attended must be a calendar date in YYYY-MM-DD format',
    ],
    [
      'user_data.activity.last_event_attended',
      '14/06/2025',
      'user_data.activity.last_event_attended must be a calendar date in YYYY-MM-DD format',
    ],
    [
      'user_data.activity.last_event_attended',
      '2025-07-01',
      'user_data.activity.last_event_attended must not be after as_of (2025-06-30)',
    ],
    [
      'user_data.activity.last_quiz_taken',
      20250601,
      'user_data.activity.last_quiz_taken must be a calendar date in YYYY-MM-DD format',
    ],
    [
      'user_data.profile.quiz_history',
      ['python', '2025-13-01'],
      'user_data.profile.quiz_history[1] must be a calendar date in YYYY-MM-DD format',
    ],
    [
      'user_data.profile.quiz_history',
      ['2026-01-01'],
      'user_data.profile.quiz_history[0] must not be after as_of (2025-06-30)',
    ],
    [
      'peer_snapshot.batch_resume_uploaded_pct',
      100.5,
      'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
    ],
    [
      'peer_snapshot.batch_resume_uploaded_pct',
      '84',
      'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
    ],
    [
      'peer_snapshot.batch_avg_projects',
      -0.5,
      'peer_snapshot.batch_avg_projects must be a non-negative number',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { meetup: 2.5 },
      'peer_snapshot.batch_event_attendance["meetup"] must be a non-negative integer',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { meetup: '3' },
      'peer_snapshot.batch_event_attendance["meetup"] must be a non-negative integer',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      ['meetup'],
      'peer_snapshot.batch_event_attendance must be an object mapping event names to attendee counts',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { constructor: 1 },
      'peer_snapshot.batch_event_attendance must not use the reserved event name "constructor"',
    ],
    [
      'peer_snapshot.batch_event_attendance',
      { '': 1 },
      'peer_snapshot.batch_event_attendance must have event names of 1 to 128 characters',
    ],
    [
      'peer_snapshot.buddies_attending_events',
      [''],
      'peer_snapshot.buddies_attending_events must be an array of at most 200 event names of 1 to 128 characters',
    ],
    ['peer_snapshot', DELETE, 'peer_snapshot is required'],
    ['as_of', '2025-06-31', 'as_of must be a calendar date in YYYY-MM-DD format'],
  ])('%s = %j → %p', (path, value, message) => {
    expect(errorsOf(withField(path, value))).toEqual([message]);
  });

  it('refuses more than 200 events', () => {
    const attendance = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`e${i}`, 1]));
    expect(errorsOf(withField('peer_snapshot.batch_event_attendance', attendance))).toEqual([
      'peer_snapshot.batch_event_attendance must have at most 200 events',
    ]);
  });

  it('names every offending field at once', () => {
    const body = withField('user_data.profile.karma', -3);
    (body.peer_snapshot as Record<string, unknown>).batch_resume_uploaded_pct = 101;
    (body.user_data as { activity: Record<string, unknown> }).activity.last_quiz_taken =
      '2030-01-01';
    expect(errorsOf(body)).toEqual([
      'user_data.profile.karma must be a non-negative integer',
      'peer_snapshot.batch_resume_uploaded_pct must be a number from 0 to 100',
      'user_data.activity.last_quiz_taken must not be after as_of (2025-06-30)',
    ]);
  });

  it('checks dates against the default day when as_of is absent', () => {
    const body = withField('as_of', DELETE);
    (body.user_data as { activity: Record<string, unknown> }).activity.last_event_attended =
      '2025-07-16';
    expect(errorsOf(body)).toEqual([
      'user_data.activity.last_event_attended must not be after as_of (2025-07-15)',
    ]);
  });

  it.each([[null], [[]], ['text'], [42]])('refuses a body that is not an object: %j', (body) => {
    expect(errorsOf(body)).toEqual(['body must be a JSON object']);
  });

  it('allows null and absent event and quiz dates', () => {
    const body = withField('user_data.activity.last_event_attended', null);
    delete (body.user_data as { activity: Record<string, unknown> }).activity.last_quiz_taken;
    expect(errorsOf(body)).toEqual([]);
  });
});
