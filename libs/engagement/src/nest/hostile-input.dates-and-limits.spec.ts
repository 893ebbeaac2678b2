/** Hostile request bodies: dates, and strings and arrays over their limits (see describeHostileBodies). */
import { REQUEST_LIMITS } from '@app/contract';
import {
  AS_OF,
  ATTENDANCE,
  bodyWith,
  Case,
  DATE_PLACES,
  DATES,
  events,
  invalid,
  MUST,
  ok,
  repeat,
  serialize,
  types,
  withFields,
} from '@app/contract/testing';
import { describeHostileBodies } from '../testing/hostile-service';

const L = REQUEST_LIMITS;

const IMPOSSIBLE_DATES = [
  '2025-02-30',
  '2025-13-01',
  '2023-02-29',
  '2025-04-31',
  '2025-00-10',
  '2025-06-00',
  '2025-06-32',
  '2100-02-29',
];

/** Not YYYY-MM-DD; in quiz_history such strings are topics, so they are tested elsewhere. */
const MALFORMED_DATES = [
  '2025-6-1',
  '2025/06/01',
  '20250601',
  '01-06-2025',
  '2025-06-01T00:00:00Z',
  ' 2025-06-01',
  '2025-06-01 ',
  '2025-06-01\n',
  'June 1, 2025',
  '',
  '２０２５-０６-０１',
  '+2025-06-01',
  '12025-06-01',
  'null',
];

const dateCases: Case[] = [
  ...DATE_PLACES.flatMap((place) =>
    IMPOSSIBLE_DATES.map((date): Case => [
      `${place.name} = ${date} (no such day)`,
      place.body(date),
      invalid([place.reported, MUST.noSuchDate(date)]),
    ]),
  ),
  ...DATES.flatMap((field) =>
    MALFORMED_DATES.map((date): Case => [
      `${field.path} = ${JSON.stringify(date)} (not YYYY-MM-DD)`,
      bodyWith(field.path, date),
      invalid([field.path, MUST.date]),
    ]),
  ),
  ...DATE_PLACES.filter((place) => place.name !== 'as_of').map((place): Case => [
    `${place.name} one day after as_of`,
    place.body('2025-07-01'),
    invalid([place.reported, MUST.notAfter(AS_OF)]),
  ]),
  [
    'every date after as_of is named at once',
    serialize(
      withFields(
        ['user_data.profile.quiz_history', ['2025-07-01', 'python', '2031-01-01']],
        ['user_data.activity.last_event_attended', '2025-12-31'],
        ['user_data.activity.last_quiz_taken', '2026-01-01'],
      ),
    ),
    invalid(
      ['user_data.activity.last_event_attended', MUST.notAfter(AS_OF)],
      ['user_data.activity.last_quiz_taken', MUST.notAfter(AS_OF)],
      ['user_data.profile.quiz_history[0]', MUST.notAfter(AS_OF)],
      ['user_data.profile.quiz_history[2]', MUST.notAfter(AS_OF)],
    ),
  ],
  [
    `a quiz_history of ${L.quizHistory} impossible dates names every one of them`,
    bodyWith(
      'user_data.profile.quiz_history',
      repeat(L.quizHistory, () => '2025-02-30'),
    ),
    invalid(
      ...repeat(L.quizHistory, (i): [string, string] => [
        `user_data.profile.quiz_history[${i}]`,
        MUST.noSuchDate('2025-02-30'),
      ]),
    ),
  ],
  [
    'an earlier as_of makes the example dates future ones',
    bodyWith('as_of', '2025-06-10'),
    invalid(['user_data.activity.last_event_attended', MUST.notAfter('2025-06-10')]),
  ],
  ...DATE_PLACES.filter((place) => place.name !== 'as_of').map((place): Case => [
    `${place.name} on as_of itself is accepted`,
    place.body(AS_OF),
    ok(),
  ]),
  [
    'a leap day that exists (2024-02-29) is accepted',
    bodyWith('user_data.activity.last_event_attended', '2024-02-29'),
    ok(),
  ],
  [
    'as_of after today is accepted (an analysis may be asked for any day)',
    bodyWith('as_of', '2999-01-01'),
    ok((a) => expect(a.as_of).toBe('2999-01-01')),
  ],
  [
    'a quiz_history entry written as a date in another notation is refused, never read as a topic',
    bodyWith('user_data.profile.quiz_history', [
      '2025/06/01',
      'python',
      '2025-6-1',
      '01-06-2025',
      '1.6.2025',
      '2025-06-01 10:00',
      '2025-02-29T10:00:00Z',
    ]),
    invalid(
      ['user_data.profile.quiz_history[0]', MUST.quizDate],
      ['user_data.profile.quiz_history[2]', MUST.quizDate],
      ['user_data.profile.quiz_history[3]', MUST.quizDate],
      ['user_data.profile.quiz_history[4]', MUST.quizDate],
      ['user_data.profile.quiz_history[5]', MUST.quizDate],
      ['user_data.profile.quiz_history[6]', MUST.noSuchDate('2025-02-29')],
    ),
  ],
  [
    'a quiz_history entry that is an RFC 3339 date-time is read as its UTC day, as sent_at is',
    serialize(
      withFields(
        ['user_data.profile.quiz_history', ['2025-06-29T23:30:00-02:00', 'python']],
        ['user_data.activity.last_quiz_taken', null],
      ),
    ),
    // 2025-06-30T01:30Z: a quiz on as_of itself, so no quiz nudge; the evidence counts it.
    ok((a) => expect(types(a)).not.toContain('quiz')),
  ],
  [
    'an RFC 3339 quiz time whose UTC day is after as_of is refused like a date after it',
    bodyWith('user_data.profile.quiz_history', ['2025-06-30T23:30:00-02:00']),
    invalid(['user_data.profile.quiz_history[0]', MUST.notAfter(AS_OF)]),
  ],
  [
    'topics with digits that are not written as dates stay topics',
    serialize(
      withFields(
        ['user_data.profile.quiz_history', ['python 3.12', '20250601', 'ml-101', 'v2.0']],
        ['user_data.activity.last_quiz_taken', null],
      ),
    ),
    ok((a) => expect(types(a)).toEqual(['resume', 'comeback', 'project'])),
  ],
  ...DATES.filter((field) => field.path !== 'as_of').map((field): Case => [
    `${field.path} = null is accepted (never / unknown)`,
    bodyWith(field.path, null),
    ok(),
  ]),
];

const stringLimitCases: Case[] = [
  [
    'user_id of the limit + 1 characters',
    bodyWith('user_data.user_id', 'u'.repeat(L.idLength + 1)),
    invalid(['user_data.user_id', MUST.userId]),
  ],
  ['user_id empty', bodyWith('user_data.user_id', ''), invalid(['user_data.user_id', MUST.userId])],
  [
    'user_id of 50 000 characters (under the body limit)',
    bodyWith('user_data.user_id', 'u'.repeat(50_000)),
    invalid(['user_data.user_id', MUST.userId]),
  ],
  [
    `user_id of exactly ${L.idLength} characters is echoed back`,
    bodyWith('user_data.user_id', 'u'.repeat(L.idLength)),
    ok((a) => expect(a.user_id).toBe('u'.repeat(L.idLength))),
  ],
  [
    `user_id of ${L.idLength} emoji (twice as many UTF-16 units) is accepted: limits count characters`,
    bodyWith('user_data.user_id', '😀'.repeat(L.idLength)),
    ok((a) => expect(a.user_id).toBe('😀'.repeat(L.idLength))),
  ],
  [
    'a goal tag over the limit',
    bodyWith('user_data.profile.goal_tags', ['GRE', 'g'.repeat(L.tagLength + 1)]),
    invalid(['user_data.profile.goal_tags', MUST.goalTags]),
  ],
  [
    'a quiz topic over the limit',
    bodyWith('user_data.profile.quiz_history', ['q'.repeat(L.tagLength + 1)]),
    invalid(['user_data.profile.quiz_history', MUST.quizHistory]),
  ],
  [
    'a club over the limit',
    bodyWith('user_data.profile.clubs_joined', ['c'.repeat(L.tagLength + 1)]),
    invalid(['user_data.profile.clubs_joined', MUST.clubs]),
  ],
  [
    'a buddy event name over the limit',
    bodyWith('peer_snapshot.buddies_attending_events', ['e'.repeat(L.eventNameLength + 1)]),
    invalid(['peer_snapshot.buddies_attending_events', MUST.eventList]),
  ],
  [
    'an empty buddy event name',
    bodyWith('peer_snapshot.buddies_attending_events', ['']),
    invalid(['peer_snapshot.buddies_attending_events', MUST.eventList]),
  ],
  [
    'an attendance event name over the limit',
    bodyWith(ATTENDANCE, { ['e'.repeat(L.eventNameLength + 1)]: 1 }),
    invalid([ATTENDANCE, MUST.eventName]),
  ],
  [
    'an empty attendance event name',
    bodyWith(ATTENDANCE, { '': 1 }),
    invalid([ATTENDANCE, MUST.eventName]),
  ],
  [
    'an attendance event name of the limit + 1 emoji, like the buddy list, is refused',
    bodyWith(ATTENDANCE, { ['🎉'.repeat(L.eventNameLength + 1)]: 1 }),
    invalid([ATTENDANCE, MUST.eventName]),
  ],
  [
    'every string at its limit is accepted, counted in characters (emoji are one each)',
    serialize(
      withFields(
        ['user_data.user_id', 'u'.repeat(L.idLength)],
        ['user_data.profile.goal_tags', ['g'.repeat(L.tagLength)]],
        ['user_data.profile.quiz_history', ['q'.repeat(L.tagLength)]],
        ['user_data.profile.clubs_joined', ['c'.repeat(L.tagLength)]],
        ['peer_snapshot.buddies_attending_events', ['🎉'.repeat(L.eventNameLength)]],
        [ATTENDANCE, { ['🎉'.repeat(L.eventNameLength)]: 1, ['e'.repeat(L.eventNameLength)]: 2 }],
      ),
    ),
    ok(),
  ],
];

const arrayLimitCases: Case[] = [
  [
    'goal_tags with the limit + 1 entries',
    bodyWith(
      'user_data.profile.goal_tags',
      repeat(L.goalTags + 1, () => 't'),
    ),
    invalid(['user_data.profile.goal_tags', MUST.goalTags]),
  ],
  [
    'quiz_history with the limit + 1 entries',
    bodyWith(
      'user_data.profile.quiz_history',
      repeat(L.quizHistory + 1, () => 'q'),
    ),
    invalid(['user_data.profile.quiz_history', MUST.quizHistory]),
  ],
  [
    'clubs_joined with the limit + 1 entries',
    bodyWith(
      'user_data.profile.clubs_joined',
      repeat(L.clubs + 1, () => 'c'),
    ),
    invalid(['user_data.profile.clubs_joined', MUST.clubs]),
  ],
  [
    'buddies_attending_events with the limit + 1 entries',
    bodyWith(
      'peer_snapshot.buddies_attending_events',
      repeat(L.events + 1, () => 'e'),
    ),
    invalid(['peer_snapshot.buddies_attending_events', MUST.eventList]),
  ],
  [
    'batch_event_attendance with the limit + 1 events',
    bodyWith(ATTENDANCE, events(L.events + 1)),
    invalid([ATTENDANCE, MUST.eventCount]),
  ],
  [
    'every array at its limit is accepted',
    serialize(
      withFields(
        ['user_data.profile.goal_tags', repeat(L.goalTags, () => 't')],
        ['user_data.profile.quiz_history', repeat(L.quizHistory, () => 'q')],
        ['user_data.profile.clubs_joined', repeat(L.clubs, () => 'c')],
        ['peer_snapshot.buddies_attending_events', repeat(L.events, () => 'e')],
        [ATTENDANCE, events(L.events)],
      ),
    ),
    ok(),
  ],
];

const TABLES: [category: string, cases: Case[]][] = [
  ['impossible, malformed and future dates', dateCases],
  ['strings over their limits', stringLimitCases],
  ['arrays over their limits', arrayLimitCases],
];

describeHostileBodies(TABLES);
