import { Test, TestingModule } from '@nestjs/testing';
import { join } from 'node:path';
import { MlService } from '@app/ml';
import { EXAMPLE_ANALYSIS } from '../dto/examples';
import { REQUEST_LIMITS } from '../dto/request-limits';
import { EngagementModule } from '../engagement.module';
import { EngagementService } from '../engagement.service';
import { CLOCK } from '../engagement.tokens';
import { EngagementAnalysis } from '../engine/analysis';
import { readableEventName } from '../engine/render';
import {
  appendMember,
  AS_OF,
  ATTENDANCE,
  bodyWith,
  Case,
  DATE_PLACES,
  DATES,
  DELETE,
  EVENT_COUNT,
  eventFomo,
  events,
  EXAMPLE_TEXT,
  Expected,
  FIELDS,
  invalid,
  Kind,
  MUST,
  nestedArrays,
  nestedObjects,
  nudge,
  ok,
  PROTO,
  prototypeCases,
  raw,
  refused,
  repeat,
  ruleTypes,
  serialize,
  SEVERAL_WRONG_TYPES,
  types,
  withFields,
} from '../testing/hostile-bodies';
import { FieldError } from './field-error';
import { MAX_JSON_DEPTH, parseJsonDocument } from './json-document';

/**
 * Hostile bodies for POST /analyze-engagement, taken through what the endpoint runs before it
 * answers: the body parser's parseJsonDocument, then validate, then analyze. Each case asserts
 * the parser's exact message, the exact list of field errors, or what must hold of the analysis.
 * What needs HTTP (body limit, content types, raw bytes, empty bodies) is in
 * apps/api/test/hostile-input.e2e-spec.ts.
 */

const L = REQUEST_LIMITS;
const ROOT = join(__dirname, '../../../..');
/** 2025-07-01, the day after the example's as_of: a body without as_of answers alike any day. */
const TODAY = Math.floor(Date.UTC(2025, 6, 1) / 86_400_000);

const NOT_JSON = refused(expect.stringMatching(/^body is not valid JSON: \S/));
const TOO_DEEP = refused(`body nests deeper than ${MAX_JSON_DEPTH} levels`);
const NOT_OBJECT = invalid(['body', 'must be a JSON object']);

/** Values of every JSON type but the field's own. */
const WRONG_TYPES: Record<Kind, [label: string, value: unknown][]> = {
  object: [
    ['a string', 'x'],
    ['a number', 7],
    ['a boolean', true],
    ['an array', []],
    ['an array of the right object', [{}]],
  ],
  string: [
    ['a number', 7023],
    ['a boolean', true],
    ['an object', { id: 'stu_7023' }],
    ['an array', ['stu_7023']],
  ],
  boolean: [
    ['a string', 'false'],
    ['a number', 0],
    ['a number 1', 1],
    ['an object', {}],
    ['an array', [false]],
  ],
  count: [
    ['a numeric string', '7'],
    ['a boolean', true],
    ['an object', { value: 7 }],
    ['an array', [7]],
  ],
  number: [
    ['a numeric string', '2'],
    ['a boolean', false],
    ['an object', {}],
    ['an array', [2]],
  ],
  percent: [
    ['a numeric string', '84'],
    ['a boolean', true],
    ['an object', {}],
    ['an array', [84]],
  ],
  strings: [
    ['a string', 'python'],
    ['a number', 3],
    ['a boolean', true],
    ['an object', { 0: 'python' }],
    ['an array holding a number', ['python', 3]],
    ['an array holding null', [null]],
    ['an array holding a boolean', [true]],
    ['an array holding an array', [['python']]],
    ['an array holding an object', [{}]],
  ],
  date: [
    ['a number', 20250601],
    ['a boolean', true],
    ['an object', { year: 2025 }],
    ['an array', ['2025-06-01']],
  ],
  attendance: [
    ['a string', 'coding-contest'],
    ['a number', 9],
    ['a boolean', true],
    ['an array', ['coding-contest']],
    ['an array of pairs', [['coding-contest', 9]]],
  ],
};

const NUMERIC = FIELDS.filter((f) => ['count', 'number', 'percent'].includes(f.kind));
const COUNTS = FIELDS.filter((f) => f.kind === 'count');

// ---------------------------------------------------------------------------------------------
// The tables

const wrongTypeCases: Case[] = [
  ...FIELDS.flatMap((field) =>
    WRONG_TYPES[field.kind].map(([label, value]): Case => [
      `${field.path} = ${label} (${JSON.stringify(value)})`,
      bodyWith(field.path, value),
      invalid([field.path, field.problem]),
    ]),
  ),
  ...FIELDS.filter((field) => field.optional !== true).map((field): Case => [
    `${field.path} = null`,
    bodyWith(field.path, null),
    invalid([field.path, MUST.required]),
  ]),
  ...(
    [
      ['a numeric string', '9'],
      ['a boolean', true],
      ['null', null],
      ['an object', { peers: 9 }],
      ['an array', [9]],
    ] as const
  ).map(([label, value]): Case => [
    `${EVENT_COUNT.reported} = ${label}`,
    bodyWith(EVENT_COUNT.set, value),
    invalid([EVENT_COUNT.reported, MUST.count]),
  ]),
  [
    'several wrong types at once are all named, in field order',
    SEVERAL_WRONG_TYPES.body,
    invalid(...SEVERAL_WRONG_TYPES.errors),
  ],
];

const missingFieldCases: Case[] = [
  ...FIELDS.filter((field) => field.optional !== true).map((field): Case => [
    `${field.path} missing`,
    bodyWith(field.path, DELETE),
    invalid([field.path, MUST.required]),
  ]),
  [
    'user_data = {} names all three of its fields',
    bodyWith('user_data', {}),
    invalid(
      ['user_data.user_id', MUST.required],
      ['user_data.profile', MUST.required],
      ['user_data.activity', MUST.required],
    ),
  ],
  [
    'peer_snapshot = {} names all four of its fields',
    bodyWith('peer_snapshot', {}),
    invalid(
      ['peer_snapshot.batch_avg_projects', MUST.required],
      ['peer_snapshot.batch_resume_uploaded_pct', MUST.required],
      [ATTENDANCE, MUST.required],
      ['peer_snapshot.buddies_attending_events', MUST.required],
    ),
  ],
  [
    '{} names both top-level fields',
    '{}',
    invalid(['user_data', MUST.required], ['peer_snapshot', MUST.required]),
  ],
  ...DATES.map((field): Case => [
    `${field.path} missing is accepted (never / unknown / today)`,
    bodyWith(field.path, DELETE),
    ok(),
  ]),
];

/** Numbers that are not counts: negative, fractional, beyond the limit, beyond a double. */
const BAD_COUNTS: [label: string, value: unknown, problem: string][] = [
  ['-1', -1, MUST.count],
  ['-0.5', -0.5, MUST.count],
  ['0.5', 0.5, MUST.count],
  ['1.5', 1.5, MUST.count],
  ['the limit + 1', L.maxCount + 1, MUST.countMax],
  ['1e300', 1e300, MUST.countMax],
  ['2**53 + 1', raw('9007199254740993'), MUST.countMax],
  ['1e400 (Infinity once parsed)', raw('1e400'), MUST.count],
  ['-1e400 (-Infinity once parsed)', raw('-1e400'), MUST.count],
  ['-1e300', -1e300, MUST.count],
];

const numberCases: Case[] = [
  ...COUNTS.flatMap((field) =>
    BAD_COUNTS.map(([label, value, problem]): Case => [
      `${field.path} = ${label}`,
      bodyWith(field.path, value),
      invalid([field.path, problem]),
    ]),
  ),
  ...BAD_COUNTS.map(([label, value, problem]): Case => [
    `${EVENT_COUNT.reported} = ${label}`,
    bodyWith(EVENT_COUNT.set, value),
    invalid([EVENT_COUNT.reported, problem]),
  ]),
  ...(
    [
      ['-1', -1, MUST.number],
      ['-0.001', -0.001, MUST.number],
      ['the limit + 0.5', L.maxAvgProjects + 0.5, MUST.avgMax],
      ['1e300', 1e300, MUST.avgMax],
      ['2**53 + 1', raw('9007199254740993'), MUST.avgMax],
      ['1e400 (Infinity once parsed)', raw('1e400'), MUST.number],
      ['-1e400 (-Infinity once parsed)', raw('-1e400'), MUST.number],
    ] as const
  ).map(([label, value, problem]): Case => [
    `peer_snapshot.batch_avg_projects = ${label}`,
    bodyWith('peer_snapshot.batch_avg_projects', value),
    invalid(['peer_snapshot.batch_avg_projects', problem]),
  ]),
  ...(
    [
      ['-1', -1],
      ['-0.01', -0.01],
      ['100.01', 100.01],
      ['1e300', 1e300],
      ['2**53 + 1', raw('9007199254740993')],
      ['1e400 (Infinity once parsed)', raw('1e400')],
      ['-1e400 (-Infinity once parsed)', raw('-1e400')],
    ] as const
  ).map(([label, value]): Case => [
    `peer_snapshot.batch_resume_uploaded_pct = ${label}`,
    bodyWith('peer_snapshot.batch_resume_uploaded_pct', value),
    invalid(['peer_snapshot.batch_resume_uploaded_pct', MUST.percent]),
  ]),
  // The edges that are fine, so the limits above are where the API says they are.
  ...COUNTS.map((field): Case => [
    `${field.path} = the limit (${L.maxCount}) is accepted`,
    bodyWith(field.path, L.maxCount),
    ok(),
  ]),
  [
    '-0 is the count 0 (JSON has one zero for integers)',
    bodyWith('user_data.profile.karma', raw('-0')),
    ok(),
  ],
  [
    '1.0 is the count 1 (JSON does not type integers)',
    bodyWith('user_data.profile.karma', raw('1.0')),
    ok(),
  ],
  ['1e2 is the count 100', bodyWith('user_data.profile.karma', raw('1e2')), ok()],
  [
    '1e-400 underflows to 0 when parsed, so it is the count 0',
    bodyWith('user_data.profile.karma', raw('1e-400')),
    ok(),
  ],
  [
    '5e-324 (the smallest double) is not a count',
    bodyWith('user_data.profile.karma', raw('5e-324')),
    invalid(['user_data.profile.karma', MUST.count]),
  ],
  [
    `batch_avg_projects = the limit (${L.maxAvgProjects}) is accepted`,
    bodyWith('peer_snapshot.batch_avg_projects', L.maxAvgProjects),
    ok(),
  ],
  [
    'batch_avg_projects may be fractional (0.25)',
    bodyWith('peer_snapshot.batch_avg_projects', 0.25),
    ok((a) => expect(ruleTypes(a)).not.toContain('project')),
  ],
  [
    'batch_resume_uploaded_pct may be fractional (70.5 > 70 fires the resume rule)',
    bodyWith('peer_snapshot.batch_resume_uploaded_pct', 70.5),
    ok((a) =>
      expect(nudge(a, 'resume').reasons).toEqual([
        "70.5% of this learner's batch have a resume and this learner has none (the rule fires above 70%).",
      ]),
    ),
  ],
  [
    'batch_resume_uploaded_pct = 100 is accepted',
    bodyWith('peer_snapshot.batch_resume_uploaded_pct', 100),
    ok(),
  ],
];

const NAN_LIKE = ['NaN', 'Infinity', '-Infinity', '1e3', '0x10', '', ' 7', '7 ', '７', 'null'];

const nanLikeCases: Case[] = [
  ...[...NUMERIC, { path: EVENT_COUNT.reported, problem: MUST.count }].flatMap((field) =>
    NAN_LIKE.map((text): Case => {
      const setAt = field.path === EVENT_COUNT.reported ? EVENT_COUNT.set : field.path;
      return [
        `${field.path} = ${JSON.stringify(text)}`,
        bodyWith(setAt, text),
        invalid([field.path, field.problem]),
      ];
    }),
  ),
  ['a bare NaN literal is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":NaN'), NOT_JSON],
  [
    'a bare Infinity literal is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":Infinity'),
    NOT_JSON,
  ],
  ['a hex literal is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":0xBE'), NOT_JSON],
  ['a leading + is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":+190'), NOT_JSON],
  ['a leading zero is not JSON', EXAMPLE_TEXT.replace('"karma":190', '"karma":0190'), NOT_JSON],
];

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
      invalid([place.reported, MUST.date]),
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
        MUST.date,
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
    'date-like topics that are not YYYY-MM-DD stay topics: no dates, so no quiz nudge',
    serialize(
      withFields(
        ['user_data.profile.quiz_history', ['2025/06/01', '2025-6-1', '01-06-2025']],
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

const nestingCases: Case[] = [
  [
    '10k-deep arrays in an unknown root field',
    appendMember(`"padding":${nestedArrays(10_000)}`),
    TOO_DEEP,
  ],
  [
    '10k-deep objects in an unknown root field',
    appendMember(`"padding":${nestedObjects(10_000)}`),
    TOO_DEEP,
  ],
  [
    '10k-deep arrays in an unknown profile field',
    appendMember(`"padding":${nestedArrays(10_000)}`, 'user_data.profile'),
    TOO_DEEP,
  ],
  [
    '10k-deep arrays as a goal tag',
    EXAMPLE_TEXT.replace('"goal_tags":[', `"goal_tags":[${nestedArrays(10_000)},`),
    TOO_DEEP,
  ],
  [
    '10k-deep objects as an attendance count',
    EXAMPLE_TEXT.replace('"startup-meetup":5', `"startup-meetup":${nestedObjects(10_000)}`),
    TOO_DEEP,
  ],
  ['10k-deep arrays as the whole body', nestedArrays(10_000), TOO_DEEP],
  ['40k-deep arrays as the whole body (just under the body limit)', nestedArrays(40_000), TOO_DEEP],
  [
    '5k-deep "constructor" objects',
    appendMember(`"padding":${'{"constructor":'.repeat(5_000)}1${'}'.repeat(5_000)}`),
    TOO_DEEP,
  ],
  ['33-deep arrays in an unknown field', appendMember(`"padding":${nestedArrays(33)}`), TOO_DEEP],
  [
    '20-deep arrays in an unknown field are ignored like any unknown field',
    appendMember(`"padding":${nestedArrays(20)}`),
    ok(),
  ],
];

const nonJsonCases: Case[] = [
  ...[
    'hello',
    '{',
    '}',
    "{'user_data': 1}",
    '{user_data: 1}',
    '[1, 2,]',
    '{"a": 1,}',
    'undefined',
    '{}x',
    '{}{}',
    '<request><user_id>stu_7023</user_id></request>',
    '// comment\n{}',
    'user_data=1&as_of=2025-06-30',
    '"unterminated',
    '\u0000',
    EXAMPLE_TEXT.slice(0, -1),
    EXAMPLE_TEXT.slice(0, 200),
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"a\u0001b"'),
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"a\\xb"'),
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"\\ud83d\\u"'),
  ].map((text): Case => [`${JSON.stringify(text.slice(0, 60))} is not JSON`, text, NOT_JSON]),
  ['whitespace only', ' \n\t ', refused('body is not valid JSON: Unexpected end of JSON input')],
  ...['null', '[]', '"stu_7023"', '42', 'true', `[${EXAMPLE_TEXT}]`].map((text): Case => [
    `${text.slice(0, 20)} is JSON but not an object`,
    text,
    NOT_OBJECT,
  ]),
];

const duplicateKeyCases: Case[] = [
  [
    'duplicate user_id: the last one wins (JSON.parse semantics)',
    EXAMPLE_TEXT.replace('"user_id":"stu_7023"', '"user_id":"first","user_id":"last"'),
    ok((a) => expect(a.user_id).toBe('last')),
  ],
  [
    'duplicate karma, invalid then valid: the last (valid) one is validated',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":"190","karma":190'),
    ok(),
  ],
  [
    'duplicate karma, valid then invalid: the last (invalid) one is validated',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":190,"karma":-1'),
    invalid(['user_data.profile.karma', MUST.count]),
  ],
  [
    'duplicate as_of: the last one is the day analysed',
    EXAMPLE_TEXT.replace(`"as_of":"${AS_OF}"`, `"as_of":"2025-02-30","as_of":"2025-07-31"`),
    ok((a) => {
      expect(a.as_of).toBe('2025-07-31');
      expect(a.fomo.days_since_last_event).toBe(47);
    }),
  ],
  [
    'duplicate batch_resume_uploaded_pct: the last one fires the rule',
    EXAMPLE_TEXT.replace(
      '"batch_resume_uploaded_pct":84',
      '"batch_resume_uploaded_pct":10,"batch_resume_uploaded_pct":91',
    ),
    ok((a) => expect(a.nudges[0]).toMatchObject({ type: 'resume', score: 0.91 })),
  ],
  [
    'duplicate attendance event: the last count is the one used',
    EXAMPLE_TEXT.replace('"coding-contest":9', '"coding-contest":9,"coding-contest":50'),
    ok((a) => expect(a.fomo.factors.batch).toBe(0.75)),
  ],
  [
    'duplicate user_data: the last, broken one is validated as a whole',
    appendMember('"user_data":{"user_id":"x"}'),
    invalid(['user_data.profile', MUST.required], ['user_data.activity', MUST.required]),
  ],
];

const CONTROL = 'a\u0000b\u0007c\u001bd\u007fe\u2028f\u2029g\ud800h';
const controlCases: Case[] = [
  [
    'escaped control characters and a lone surrogate in user_id are data, echoed back escaped',
    bodyWith('user_data.user_id', CONTROL),
    ok((a) => expect(a.user_id).toBe(CONTROL)),
  ],
  [
    'control characters in tags, clubs and topics are data',
    serialize(
      withFields(
        ['user_data.profile.goal_tags', ['\u0000', '\t\n']],
        ['user_data.profile.clubs_joined', ['\u001b[31mred']],
        ['user_data.profile.quiz_history', ['2025-06-01', '\u0000python']],
      ),
    ),
    ok((a) => expect(types(a)).toEqual(EXAMPLE_ANALYSIS.nudges.map((n) => n.type))),
  ],
  [
    'an unescaped control character in a string is not JSON',
    EXAMPLE_TEXT.replace('"stu_7023"', '"stu\u0000_7023"'),
    NOT_JSON,
  ],
  [
    'an unescaped newline in a string is not JSON',
    EXAMPLE_TEXT.replace('"stu_7023"', '"stu\n_7023"'),
    NOT_JSON,
  ],
  [
    'a bad count under an event name with quotes and a newline is named with the name escaped',
    bodyWith(ATTENDANCE, { 'say "hi"\n] now': -1 }),
    invalid([`${ATTENDANCE}["say \\"hi\\"\\n] now"]`, MUST.count]),
  ],
  [
    'a control character in a date is not a date',
    bodyWith('user_data.activity.last_event_attended', '2025-06-1\u00004'),
    invalid(['user_data.activity.last_event_attended', MUST.date]),
  ],
];

const UNICODE_EVENTS = {
  'Café 🎉 Meetup': 12,
  東京ハッカソン: 3,
  'حفلة البرمجة': 4,
  'e\u0301vénement': 2,
  '👩‍💻👨‍👩‍👧': 1,
  '\u202eevil': 0,
};
/** Event names from other scripts and the corners of Unicode; each is just a name. */
const ODD_EVENT_NAMES: [label: string, name: string][] = [
  ['emoji', '🎉🚀'],
  ['CJK', '東京ハッカソン'],
  ['right-to-left Arabic', 'حفلة البرمجة'],
  ['a combining accent', 'e\u0301vénement'],
  ['a zero-width-joiner sequence', '👩‍💻'],
  ['a right-to-left override', '\u202eevil'],
  ['a zero-width space', 'meet\u200bup'],
  ['an astral-plane script', '𐌰𐌱𐌲'],
  [`${L.eventNameLength} CJK characters`, '東'.repeat(L.eventNameLength)],
];

const unicodeCases: Case[] = [
  ...ODD_EVENT_NAMES.map(([label, name]): Case => [
    `an event named with ${label} is accepted and named in the reasons in readable form`,
    serialize(
      withFields([ATTENDANCE, { [name]: 12 }], ['peer_snapshot.buddies_attending_events', [name]]),
    ),
    ok((a) =>
      expect(eventFomo(a).reasons).toContain(
        `12 peers of the batch are going to ${readableEventName(name)} (the rule fires from 10).`,
      ),
    ),
  ]),
  [
    'unicode event names in both peer fields are accepted and named in the reasons',
    serialize(
      withFields(
        [ATTENDANCE, UNICODE_EVENTS],
        ['peer_snapshot.buddies_attending_events', Object.keys(UNICODE_EVENTS).slice(0, 3)],
      ),
    ),
    ok((a) => {
      expect(types(a)).toEqual(['resume', 'comeback', 'event_fomo']);
      expect(eventFomo(a).reasons).toEqual([
        "This learner's buddies attend 3 events (the rule fires from 3).",
        '12 peers of the batch are going to Café 🎉 Meetup (the rule fires from 10).',
        'The event FOMO score is 0.69 (the rule fires from 0.6).',
      ]);
      // The comeback states the time away, so the event nudge names the trending event.
      expect(eventFomo(a).title).toBe('Café 🎉 Meetup is trending: 12 of your peers are going!');
    }),
  ],
  [
    'a unicode user_id, tags and topics are accepted',
    serialize(
      withFields(
        ['user_data.user_id', 'étudiant_٧٠٢٣_学生'],
        ['user_data.profile.goal_tags', ['データ科学', 'Ελληνικά']],
        ['user_data.profile.quiz_history', ['2025-06-01', 'پایتون']],
      ),
    ),
    ok((a) => expect(a.user_id).toBe('étudiant_٧٠٢٣_学生')),
  ],
];
/** Problem texts of the delivery history and decision_id, written out like MUST. */
const HISTORY_MUST = {
  history: `must be an array of at most ${L.history} objects`,
  type: 'must be one of resume, project, quiz, event_fomo, comeback',
  sentAt:
    'must be a calendar date in YYYY-MM-DD format or an RFC 3339 date-time such as 2025-06-28T09:30:00Z',
  outcome: 'must be one of acted, dismissed, ignored',
  entryDecisionId: `must be a string of 1 to ${L.decisionIdLength} characters`,
  decisionId: `must be a string of 1 to ${L.decisionIdLength} printable ASCII characters, without spaces`,
} as const;

const DELIVERED = { type: 'quiz', sent_at: '2025-06-01' };
const historyWith = (...entries: unknown[]) => bodyWith('history', entries);
/** The example with one history entry, `field` of it set to `value` (or removed with DELETE). */
const entryWith = (field: string, value: unknown) =>
  serialize(withFields(['history', [{ ...DELIVERED }]], [`history.0.${field}`, value]));

const BAD_DATE_TIMES = [
  '2025-02-29T10:00:00Z',
  '2025-06-28T24:00:00Z',
  '2025-06-28T23:60:00Z',
  '2025-06-28T23:59:60Z',
  '2025-06-28T09:30:00',
  '2025-06-28T09:30Z',
  '2025-06-28 09:30:00Z',
  '2025-06-28T09:30:00+0530',
  '2025-06-28T09:30:00+24:00',
  '2025-06-28T09:30:00.Z',
  '2025-06-28T09:30:00Z\n',
  '１2025-06-28T09:30:00Z',
];

const historyCases: Case[] = [
  ...(
    [
      ['a string', 'quiz'],
      ['a number', 7],
      ['a boolean', true],
      ['an object', DELIVERED],
      ['an array holding a string', ['quiz']],
      ['an array holding null', [null]],
      ['an array holding an array', [[DELIVERED]]],
      [`an array of the limit + 1 entries`, repeat(L.history + 1, () => DELIVERED)],
    ] as const
  ).map(([label, value]): Case => [
    `history = ${label}`,
    bodyWith('history', value),
    invalid(['history', HISTORY_MUST.history]),
  ]),
  ['history = null is accepted (none)', bodyWith('history', null), ok()],
  ['history = [] is accepted', bodyWith('history', []), ok()],
  [
    `history of exactly ${L.history} entries is accepted`,
    bodyWith(
      'history',
      repeat(L.history, () => DELIVERED),
    ),
    ok(),
  ],
  [
    'an empty entry names both required fields',
    historyWith({}),
    invalid(['history[0].type', MUST.required], ['history[0].sent_at', MUST.required]),
  ],
  ...(
    [
      ['type', 'nudge', HISTORY_MUST.type],
      ['type', 'RESUME', HISTORY_MUST.type],
      ['type', 7, HISTORY_MUST.type],
      ['type', ['quiz'], HISTORY_MUST.type],
      ['type', null, MUST.required],
      ['type', DELETE, MUST.required],
      ['sent_at', 20250601, HISTORY_MUST.sentAt],
      ['sent_at', true, HISTORY_MUST.sentAt],
      ['sent_at', { date: '2025-06-01' }, HISTORY_MUST.sentAt],
      ['sent_at', ['2025-06-01'], HISTORY_MUST.sentAt],
      ['sent_at', null, MUST.required],
      ['sent_at', DELETE, MUST.required],
      ['outcome', 'clicked', HISTORY_MUST.outcome],
      ['outcome', 1, HISTORY_MUST.outcome],
      ['decision_id', '', HISTORY_MUST.entryDecisionId],
      ['decision_id', 'd'.repeat(L.decisionIdLength + 1), HISTORY_MUST.entryDecisionId],
      ['decision_id', 7, HISTORY_MUST.entryDecisionId],
    ] as const
  ).map(([field, value, problem]): Case => [
    `history[0].${field} = ${value === DELETE ? 'missing' : JSON.stringify(value)}`,
    entryWith(field, value),
    invalid([`history[0].${field}`, problem]),
  ]),
  ...BAD_DATE_TIMES.map((sentAt): Case => [
    `history[0].sent_at = ${JSON.stringify(sentAt)} (no such instant, or not RFC 3339)`,
    entryWith('sent_at', sentAt),
    invalid(['history[0].sent_at', HISTORY_MUST.sentAt]),
  ]),
  [
    'a sent_at one day after as_of',
    entryWith('sent_at', '2025-07-01'),
    invalid(['history[0].sent_at', MUST.notAfter(AS_OF)]),
  ],
  [
    'a sent_at at 23:30-02:00 on as_of is the next UTC day, after as_of',
    entryWith('sent_at', `${AS_OF}T23:30:00-02:00`),
    invalid(['history[0].sent_at', MUST.notAfter(AS_OF)]),
  ],
  [
    'a sent_at at 00:30+01:00 the day after as_of is 23:30 UTC on as_of, accepted',
    entryWith('sent_at', '2025-07-01T00:30:00+01:00'),
    ok(),
  ],
  [
    'dates, date-times, offsets, outcomes and unknown fields together are accepted',
    historyWith(
      { type: 'resume', sent_at: '2025-06-01', outcome: 'acted', decision_id: 'd-1' },
      { type: 'project', sent_at: '2025-06-20T09:30:00.123+05:30', outcome: 'dismissed' },
      { type: 'event_fomo', sent_at: '2025-06-10t08:00:00z', outcome: 'ignored', colour: 'teal' },
      { type: 'comeback', sent_at: '2025-05-31T23:59:59-00:00', decision_id: '😀'.repeat(64) },
    ),
    ok(),
  ],
  [
    'every offending entry is named, field by field, then the days after as_of',
    historyWith({ type: 'x', sent_at: 'yesterday' }, DELIVERED, {
      type: 'quiz',
      sent_at: '2025-07-02T00:00:00+01:00',
      outcome: 'nope',
    }),
    invalid(
      ['history[0].type', HISTORY_MUST.type],
      ['history[0].sent_at', HISTORY_MUST.sentAt],
      ['history[2].outcome', HISTORY_MUST.outcome],
      ['history[2].sent_at', MUST.notAfter(AS_OF)],
    ),
  ],
  [
    '__proto__ inside a history entry',
    appendMember(`"history":[{"type":"quiz","sent_at":"2025-06-01","__proto__":{"type":"x"}}]`),
    PROTO,
  ],
  [
    'constructor and prototype as unknown entry fields are plain data, ignored',
    appendMember(
      `"history":[{"type":"quiz","sent_at":"2025-06-01","constructor":{"name":"x"},"prototype":1}]`,
    ),
    ok(),
  ],
  [
    'duplicate sent_at in an entry: the last one is validated',
    appendMember(`"history":[{"type":"quiz","sent_at":"2025-06-01","sent_at":"2025-07-31"}]`),
    invalid(['history[0].sent_at', MUST.notAfter(AS_OF)]),
  ],
  [
    '10k-deep arrays as a history entry',
    appendMember(`"history":[${nestedArrays(10_000)}]`),
    TOO_DEEP,
  ],
  ...(
    [
      ['of the limit + 1 characters', 'd'.repeat(L.decisionIdLength + 1)],
      ['empty', ''],
      ['with a space', 'dec 0630'],
      ['with a control character', 'dec\u00000630'],
      ['with a non-ASCII letter', 'décision'],
      ['that is a number', 630],
      ['that is an array', ['dec_0630']],
    ] as const
  ).map(([label, value]): Case => [
    `decision_id ${label}`,
    bodyWith('decision_id', value),
    invalid(['decision_id', HISTORY_MUST.decisionId]),
  ]),
  [
    `decision_id of ${L.decisionIdLength} printable ASCII characters is accepted`,
    bodyWith('decision_id', '!~'.repeat(L.decisionIdLength / 2)),
    ok(),
  ],
];

const TABLES: [category: string, cases: Case[]][] = [
  ['wrong types at every field', wrongTypeCases],
  ['missing fields', missingFieldCases],
  ['negative, huge and fractional numbers', numberCases],
  ['NaN-like strings and number literals JSON lacks', nanLikeCases],
  ['impossible, malformed and future dates', dateCases],
  ['strings over their limits', stringLimitCases],
  ['arrays over their limits', arrayLimitCases],
  ['deep nesting', nestingCases],
  ['non-JSON, empty and non-object bodies', nonJsonCases],
  ['__proto__, constructor and prototype keys', prototypeCases],
  ['duplicate keys (last wins)', duplicateKeyCases],
  ['control characters', controlCases],
  ['unicode', unicodeCases],
  ['delivery history and decision_id', historyCases],
];

type Result =
  | { readonly refused: string }
  | { readonly errors: readonly FieldError[] }
  | { readonly analysis: EngagementAnalysis };

describe(`${parseJsonDocument.name} and ${EngagementService.name}: hostile request bodies`, () => {
  let moduleRef: TestingModule;
  let sut: EngagementService;
  let modelVersion: string | null;

  beforeAll(async () => {
    // The committed models and config, as the API loads them, so the analyses match its answers.
    moduleRef = await Test.createTestingModule({
      imports: [
        EngagementModule.forRootAsync({
          useFactory: () => ({
            configPath: join(ROOT, 'config/config.json'),
            modelsDir: join(ROOT, 'models'),
          }),
        }),
      ],
    })
      .overrideProvider(CLOCK)
      .useValue({ today: () => TODAY })
      .compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    sut = moduleRef.get(EngagementService);
    const status = moduleRef.get(MlService).status();
    // Rules-only analyses would pass some checks for the wrong reason.
    if (status.mode !== 'ml') throw new Error(`models not loaded: ${status.error}`);
    modelVersion = status.modelVersion;
  });

  afterAll(async () => {
    await moduleRef.close();
  });

  /** Parse as the body parser does, then validate and analyse as the endpoint does. */
  function run(body: string): Result {
    const parsed = parseJsonDocument(Buffer.from(body));
    if (!parsed.ok) return { refused: parsed.message };
    const valid = sut.validate(parsed.value);
    if (!valid.ok) return { errors: valid.errors };
    return { analysis: sut.analyze(valid.value) };
  }

  describe.each(TABLES)('%s', (_category, cases) => {
    it.each(cases)('%s', (_name, body, expected: Expected) => {
      const result = run(body);
      if (!('analysed' in expected)) {
        expect(result).toEqual(expected);
        return;
      }
      expect(result).toEqual({
        analysis: expect.objectContaining({ status: 'generated', model_version: modelVersion }),
      });
      expected.check?.((result as { analysis: EngagementAnalysis }).analysis);
    });
  });
});
