import { request as httpRequest } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { EXAMPLE_ANALYSIS, EXAMPLE_REQUEST, MAX_JSON_DEPTH, REQUEST_LIMITS } from '@app/engagement';
import { MlService } from '@app/ml';
import { EngagementController } from '../src/engagement/engagement.controller';
import { createTestApp } from './test-app';

/**
 * Hostile input against POST /analyze-engagement: every case asserts the exact status and the
 * exact (or, for messages V8 words, the documented part of the) JSON error body. None may be a
 * 5xx. Bodies are built as text, so the cases can say what JSON.stringify cannot (1e400,
 * 2**53+1, duplicate keys, raw bytes).
 */

const L = REQUEST_LIMITS;
const JSON_TYPE = 'application/json';
const AS_OF = EXAMPLE_REQUEST.as_of;
const ATTENDANCE = 'peer_snapshot.batch_event_attendance';

/** Problem texts as the API words them; the path is prepended in the answer. */
const MUST = {
  required: 'is required',
  object: 'must be an object',
  boolean: 'must be a boolean (true or false)',
  count: 'must be a non-negative integer',
  countMax: `must be at most ${L.maxCount}`,
  number: 'must be a non-negative number',
  avgMax: `must be at most ${L.maxAvgProjects}`,
  percent: 'must be a number from 0 to 100',
  date: 'must be a calendar date in YYYY-MM-DD format',
  userId: `must be a string of 1 to ${L.idLength} characters`,
  goalTags: `must be an array of at most ${L.goalTags} strings of at most ${L.tagLength} characters`,
  quizHistory: `must be an array of at most ${L.quizHistory} strings of at most ${L.tagLength} characters`,
  clubs: `must be an array of at most ${L.clubs} strings of at most ${L.tagLength} characters`,
  eventList: `must be an array of at most ${L.events} event names of 1 to ${L.eventNameLength} characters`,
  attendance: 'must be an object mapping event names to attendee counts',
  eventCount: `must have at most ${L.events} events`,
  eventName: `must have event names of 1 to ${L.eventNameLength} characters`,
  notAfter: (day: string) => `must not be after as_of (${day})`,
} as const;

// ---------------------------------------------------------------------------------------------
// Building bodies

/** A JSON literal written into the body as is (JSON.stringify cannot write 1e400 or 2**53+1). */
class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `@@raw:${this.text}@@`;
  }
}
const raw = (text: string) => new Raw(text);
const DELETE = Symbol('delete');

function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^"]*)@@"/g, '$1');
}

/** A deep copy of SPEC's example. */
function example(): Record<string, any> {
  return JSON.parse(JSON.stringify(EXAMPLE_REQUEST));
}

/**
 * SPEC's example with each `path` (dot-separated; a key holding a dot is not needed here) set to
 * its value, or removed with DELETE. Keys are defined, not assigned, so `__proto__` stays data.
 */
function withFields(...edits: [path: string, value: unknown][]): Record<string, any> {
  const body = example();
  for (const [path, value] of edits) {
    const keys = path.split('.');
    let node: Record<string, any> = body;
    for (const key of keys.slice(0, -1)) node = node[key];
    const last = keys[keys.length - 1];
    if (value === DELETE) delete node[last];
    else Object.defineProperty(node, last, { value, enumerable: true, writable: true });
  }
  return body;
}

const bodyWith = (path: string, value: unknown): string => serialize(withFields([path, value]));
const EXAMPLE_TEXT = serialize(EXAMPLE_REQUEST);

/** SPEC's example as text with one more member appended to the object at `at` ('' = root). */
function appendMember(member: string, at = ''): string {
  if (at === '') return `${EXAMPLE_TEXT.slice(0, -1)},${member}}`;
  const marker = '"@@here@@"';
  const text = serialize(withFields([at, { ...pathValue(example(), at), '@@here@@': 0 }]));
  return text.replace(`${marker}:0`, member);
}

function pathValue(body: Record<string, any>, path: string): Record<string, any> {
  return path.split('.').reduce((node, key) => node[key], body);
}

const repeat = <T>(n: number, item: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => item(i));
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

// ---------------------------------------------------------------------------------------------
// Expected answers

interface Expected {
  readonly status: number;
  /** The whole body, compared with toEqual. */
  readonly body?: unknown;
  /** For 200s: what must hold of the analysis. */
  readonly check?: (analysis: any) => void;
}

function invalid(...errors: [path: string, problem: string][]): Expected {
  const n = errors.length;
  return {
    status: 400,
    body: {
      statusCode: 400,
      error: 'Bad Request',
      message: `invalid request: ${n} field${n === 1 ? '' : 's'} failed validation`,
      errors: errors.map(([path, problem]) => ({ path, message: `${path} ${problem}` })),
    },
  };
}

const badBody = (message: string | RegExp): Expected => ({
  status: 400,
  body: {
    statusCode: 400,
    error: 'Bad Request',
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  },
});

const NOT_JSON = /^body is not valid JSON: \S/;
const NOT_UTF8 = badBody('body is not valid UTF-8');
const PROTO = badBody('body is not valid JSON: Object contains forbidden prototype property');
const TOO_DEEP = badBody(`body nests deeper than ${MAX_JSON_DEPTH} levels`);
const NOT_OBJECT = invalid(['body', 'must be a JSON object']);
const TOO_LARGE: Expected = {
  status: 413,
  body: { statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' },
};
const UNSUPPORTED: Expected = {
  status: 415,
  body: { statusCode: 415, error: 'Unsupported Media Type', message: 'Unsupported Media Type' },
};
const ok = (check?: (analysis: any) => void): Expected => ({ status: 200, check });

/** A hostile case: a name, the body (text or bytes), its content type (null: none) and the answer. */
type Case = [name: string, body: string | Buffer, expected: Expected, contentType?: string | null];

// ---------------------------------------------------------------------------------------------
// The fields of a request, by kind

type Kind =
  | 'object'
  | 'string'
  | 'boolean'
  | 'count'
  | 'number'
  | 'percent'
  | 'strings'
  | 'date'
  | 'attendance';

interface Field {
  readonly path: string;
  readonly kind: Kind;
  readonly problem: string;
  /** Absent and null are accepted (dates meaning "never / unknown", as_of meaning today). */
  readonly optional?: true;
}

const FIELDS: readonly Field[] = [
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
const EVENT_COUNT = {
  set: `${ATTENDANCE}.coding-contest`,
  reported: `${ATTENDANCE}["coding-contest"]`,
};

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
const DATES = FIELDS.filter((f) => f.kind === 'date');

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
    serialize(
      withFields(
        ['user_data.user_id', 7023],
        ['user_data.profile.karma', '190'],
        ['user_data.activity.last_quiz_taken', 20250601],
        ['peer_snapshot.buddies_attending_events', 'coding-contest'],
        ['as_of', true],
      ),
    ),
    invalid(
      ['user_data.user_id', MUST.userId],
      ['user_data.profile.karma', MUST.count],
      ['user_data.activity.last_quiz_taken', MUST.date],
      ['peer_snapshot.buddies_attending_events', MUST.eventList],
      ['as_of', MUST.date],
    ),
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
        'batch_resume_uploaded_pct 70.5 > threshold 70',
        'resume_uploaded is false',
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
  [
    'a bare NaN literal is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":NaN'),
    badBody(NOT_JSON),
  ],
  [
    'a bare Infinity literal is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":Infinity'),
    badBody(NOT_JSON),
  ],
  [
    'a hex literal is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":0xBE'),
    badBody(NOT_JSON),
  ],
  [
    'a leading + is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":+190'),
    badBody(NOT_JSON),
  ],
  [
    'a leading zero is not JSON',
    EXAMPLE_TEXT.replace('"karma":190', '"karma":0190'),
    badBody(NOT_JSON),
  ],
];

/** Where a date can be: the three date fields and an entry of quiz_history. */
const DATE_PLACES: { name: string; reported: string; body: (date: string) => string }[] = [
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
    'user_id of 200 000 characters (over the body limit)',
    bodyWith('user_data.user_id', 'u'.repeat(200_000)),
    TOO_LARGE,
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

const events = (n: number) => Object.fromEntries(repeat(n, (i) => [`event-${i}`, 1]));

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

const HUNDRED_K = 100_000;
const hugeArrayCases: Case[] = [
  ...[
    'user_data.profile.goal_tags',
    'user_data.profile.quiz_history',
    'user_data.profile.clubs_joined',
    'peer_snapshot.buddies_attending_events',
    'padding',
  ].map((path): Case => [
    `${path} with 100k entries`,
    bodyWith(
      path,
      repeat(HUNDRED_K, () => 'x'),
    ),
    TOO_LARGE,
  ]),
  ['batch_event_attendance with 100k events', bodyWith(ATTENDANCE, events(HUNDRED_K)), TOO_LARGE],
  [
    'a 100k-element array of numbers in an unknown field',
    bodyWith(
      'padding',
      repeat(HUNDRED_K, () => 0),
    ),
    TOO_LARGE,
  ],
  ['a 100k-element array as the whole body', serialize(repeat(HUNDRED_K, () => 0)), TOO_LARGE],
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
  ].map((text): Case => [
    `${JSON.stringify(text.slice(0, 60))} is not JSON`,
    text,
    badBody(NOT_JSON),
  ]),
  ['whitespace only', ' \n\t ', badBody('body is not valid JSON: Unexpected end of JSON input')],
  ['an empty body', '', badBody('body is empty; send a JSON object')],
  ['an empty body without a content type is no object either', '', NOT_OBJECT, null],
  ...['null', '[]', '"stu_7023"', '42', 'true', `[${EXAMPLE_TEXT}]`].map((text): Case => [
    `${text.slice(0, 20)} is JSON but not an object`,
    text,
    NOT_OBJECT,
  ]),
];

const contentTypeCases: Case[] = [
  ...[
    'text/plain',
    'text/html',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/xml',
    'text/json',
    'application/jsonx',
    'application/json-patch+json',
    'application/ld+json',
    'application/*',
    '*/*',
    'application/json, text/plain',
    'application/octet-stream',
  ].map((type): Case => [`Content-Type: ${type}`, EXAMPLE_TEXT, UNSUPPORTED, type]),
  ['no Content-Type with a JSON body', EXAMPLE_TEXT, UNSUPPORTED, null],
  ...[
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json;charset="UTF-8"',
  ].map((type): Case => [`Content-Type: ${type} is JSON`, EXAMPLE_TEXT, ok(), type]),
];

const POLLUTE = '{"polluted":true}';
const prototypeCases: Case[] = [
  ['__proto__ at the root', appendMember(`"__proto__":${POLLUTE}`), PROTO],
  [
    '__proto__ at the root, spelt with an escape',
    appendMember(`"\\u005f_proto__":${POLLUTE}`),
    PROTO,
  ],
  [
    'constructor.prototype at the root',
    appendMember(`"constructor":{"prototype":${POLLUTE}}`),
    PROTO,
  ],
  ['__proto__ inside user_data', appendMember(`"__proto__":${POLLUTE}`, 'user_data'), PROTO],
  [
    '__proto__ supplying a missing profile field',
    serialize(withFields(['user_data.profile.karma', DELETE])).replace(
      '"resume_uploaded"',
      '"__proto__":{"karma":5},"resume_uploaded"',
    ),
    PROTO,
  ],
  [
    'constructor.prototype inside user_data.activity',
    appendMember(`"constructor":{"prototype":${POLLUTE}}`, 'user_data.activity'),
    PROTO,
  ],
  [
    '__proto__ inside batch_event_attendance',
    appendMember(`"__proto__":${POLLUTE}`, ATTENDANCE),
    PROTO,
  ],
  [
    'constructor.prototype inside batch_event_attendance',
    appendMember(`"constructor":{"prototype":${POLLUTE}}`, ATTENDANCE),
    PROTO,
  ],
  [
    '__proto__ deep in an unknown field',
    appendMember(`"padding":[{"a":[{"__proto__":${POLLUTE}}]}]`),
    PROTO,
  ],
  [
    'constructor as an event name',
    appendMember('"constructor":3', ATTENDANCE),
    invalid([ATTENDANCE, 'must not use the reserved event name "constructor"']),
  ],
  [
    'prototype as an event name',
    appendMember('"prototype":3', ATTENDANCE),
    invalid([ATTENDANCE, 'must not use the reserved event name "prototype"']),
  ],
  [
    'constructor and prototype as unknown root fields are plain data, ignored',
    appendMember(`"constructor":1,"prototype":${POLLUTE}`),
    ok((a) => expect(a.nudges).toEqual(EXAMPLE_ANALYSIS.nudges)),
  ],
  [
    'constructor and prototype as unknown user_data fields are plain data, ignored',
    appendMember(`"constructor":{"name":"x"},"prototype":${POLLUTE}`, 'user_data'),
    ok((a) => expect(a.nudges).toEqual(EXAMPLE_ANALYSIS.nudges)),
  ],
  [
    '__proto__, constructor and prototype as buddy event names are plain strings',
    bodyWith('peer_snapshot.buddies_attending_events', ['__proto__', 'constructor', 'prototype']),
    ok((a) => expect(a.fomo.factors.buddies).toBe(1)),
  ],
  [
    'Object.prototype method names as event names are plain data',
    bodyWith(ATTENDANCE, { toString: 12, hasOwnProperty: 1, valueOf: 1, __defineGetter__: 1 }),
    ok((a) =>
      expect(eventFomo(a).reasons).toContain(
        'toString has 12 peers attending >= event_peer_threshold 10',
      ),
    ),
  ],
];

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => Buffer.from(part as string)));
const [HEAD, TAIL] = EXAMPLE_TEXT.split('stu_7023');

const encodingCases: Case[] = [
  ['a 0xFF byte in a string', bytes(HEAD, [0xff], TAIL), NOT_UTF8],
  ['a lone continuation byte', bytes(HEAD, [0x80], TAIL), NOT_UTF8],
  ['an overlong encoding of "/"', bytes(HEAD, [0xc0, 0xaf], TAIL), NOT_UTF8],
  ['a truncated 3-byte sequence', bytes(HEAD, [0xe2, 0x82], TAIL), NOT_UTF8],
  ['a UTF-8-encoded surrogate (CESU-8)', bytes(HEAD, [0xed, 0xa0, 0x80], TAIL), NOT_UTF8],
  ['a code point above U+10FFFF', bytes(HEAD, [0xf4, 0x90, 0x80, 0x80], TAIL), NOT_UTF8],
  ['invalid bytes outside any string', bytes('{', [0xfe], '}'), NOT_UTF8],
  [
    'a Latin-1 body, even when it says so',
    bytes(HEAD, [0x5a, 0x6f, 0xeb], TAIL),
    NOT_UTF8,
    'application/json; charset=latin1',
  ],
  ['a UTF-16 body', Buffer.from(`\ufeff${EXAMPLE_TEXT}`, 'utf16le'), NOT_UTF8],
  [
    'a UTF-8 byte-order mark is skipped (RFC 8259 lets a parser ignore it)',
    bytes([0xef, 0xbb, 0xbf], EXAMPLE_TEXT),
    ok((a) => expect(a.nudges).toEqual(EXAMPLE_ANALYSIS.nudges)),
  ],
  [
    'two byte-order marks are one too many',
    bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], EXAMPLE_TEXT),
    badBody(NOT_JSON),
  ],
  [
    'valid multi-byte UTF-8 is read as such',
    bytes(HEAD, 'Zoë-東京-🎉', TAIL),
    ok((a) => expect(a.user_id).toBe('Zoë-東京-🎉')),
  ],
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
    badBody(NOT_JSON),
  ],
  [
    'an unescaped newline in a string is not JSON',
    EXAMPLE_TEXT.replace('"stu_7023"', '"stu\n_7023"'),
    badBody(NOT_JSON),
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
    `an event named with ${label} is accepted and quoted back verbatim`,
    serialize(
      withFields([ATTENDANCE, { [name]: 12 }], ['peer_snapshot.buddies_attending_events', [name]]),
    ),
    ok((a) =>
      expect(eventFomo(a).reasons).toContain(
        `${name} has 12 peers attending >= event_peer_threshold 10`,
      ),
    ),
  ]),
  [
    'unicode event names in both peer fields are accepted and quoted back in the reasons',
    serialize(
      withFields(
        [ATTENDANCE, UNICODE_EVENTS],
        ['peer_snapshot.buddies_attending_events', Object.keys(UNICODE_EVENTS).slice(0, 3)],
      ),
    ),
    ok((a) => {
      expect(types(a)).toEqual(['resume', 'comeback', 'event_fomo']);
      expect(eventFomo(a).reasons).toEqual([
        'buddies attend 3 events >= buddies_event_threshold 3',
        'Café 🎉 Meetup has 12 peers attending >= event_peer_threshold 10',
        'fomo score 0.69 >= event_fomo_threshold 0.6',
      ]);
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

const TABLES: [category: string, cases: Case[]][] = [
  ['wrong types at every field', wrongTypeCases],
  ['missing fields', missingFieldCases],
  ['negative, huge and fractional numbers', numberCases],
  ['NaN-like strings and number literals JSON lacks', nanLikeCases],
  ['impossible, malformed and future dates', dateCases],
  ['strings over their limits', stringLimitCases],
  ['arrays over their limits', arrayLimitCases],
  ['100k-element arrays (over the 100 kB body limit)', hugeArrayCases],
  ['deep nesting', nestingCases],
  ['non-JSON, empty and non-object bodies', nonJsonCases],
  ['wrong and missing content types', contentTypeCases],
  ['__proto__, constructor and prototype keys', prototypeCases],
  ['invalid UTF-8 and byte-order marks', encodingCases],
  ['duplicate keys (last wins)', duplicateKeyCases],
  ['control characters', controlCases],
  ['unicode', unicodeCases],
];

function types(analysis: any): string[] {
  return analysis.nudges.map((nudge: { type: string }) => nudge.type);
}

function ruleTypes(analysis: any): string[] {
  return analysis.nudges
    .filter((nudge: { source: string }) => nudge.source === 'rule')
    .map((nudge: { type: string }) => nudge.type);
}

function nudge(analysis: any, type: string): { reasons: string[] } {
  return analysis.nudges.find((candidate: { type: string }) => candidate.type === type);
}

const eventFomo = (analysis: any) => nudge(analysis, 'event_fomo');

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

describe(`${EngagementController.name}: hostile input to POST /analyze-engagement`, () => {
  let app: NestFastifyApplication;
  let modelVersion: string | null;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_MAX: '0' });
    modelVersion = app.get(MlService).status().modelVersion;
  });

  afterAll(async () => {
    await app.close();
  });

  async function post(body: string | Buffer, contentType: string | null = JSON_TYPE) {
    const response = await app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/analyze-engagement',
        headers: contentType === null ? {} : { 'content-type': contentType },
        payload: body,
      });
    return { status: response.statusCode, headers: response.headers, body: response.json() };
  }

  /** Nothing reached Object.prototype, and an ordinary request still gets its ordinary answer. */
  async function expectNothingLeaked(): Promise<void> {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    const normal = await post(EXAMPLE_TEXT);
    expect(normal).toMatchObject({
      status: 200,
      body: { ...EXAMPLE_ANALYSIS, model_version: modelVersion },
    });
  }

  describe.each(TABLES)('%s', (_category, cases) => {
    it.each(cases)('%s', async (_name, body, expected, contentType = JSON_TYPE) => {
      const response = await post(body, contentType);
      expect(response.status).toBe(expected.status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      if (expected.body !== undefined) expect(response.body).toEqual(expected.body);
      if (expected.status === 200) {
        expect(response.body).toMatchObject({ status: 'generated', model_version: modelVersion });
        expected.check?.(response.body);
      }
    });
  });

  describe('prototype pollution leaves nothing behind', () => {
    it.each(prototypeCases)('%s', async (_name, body) => {
      await post(body);
      await expectNothingLeaked();
    });

    it('query strings with __proto__ and constructor[prototype] on GET and POST', async () => {
      const fastify = app.getHttpAdapter().getInstance();
      const query = '__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__.polluted=1';
      const health = await fastify.inject({ method: 'GET', url: `/health?${query}` });
      expect(health.statusCode).toBe(200);
      const analysis = await fastify.inject({
        method: 'POST',
        url: `/analyze-engagement?${query}&as_of=2020-01-01`,
        headers: { 'content-type': JSON_TYPE },
        payload: EXAMPLE_TEXT,
      });
      expect(analysis.statusCode).toBe(200);
      expect(analysis.json().as_of).toBe(AS_OF);
      await expectNothingLeaked();
    });
  });

  describe('future dates without as_of (today, UTC, is the default)', () => {
    it.each(DATE_PLACES.filter((place) => place.name !== 'as_of'))(
      '$name after today',
      async ({ reported, body }) => {
        const before = todayUtc();
        const text = serialize({ ...JSON.parse(body('2999-12-31')), as_of: undefined });
        const response = await post(text);
        const today = [before, todayUtc()];
        expect(response.status).toBe(400);
        const day = /\((\d{4}-\d{2}-\d{2})\)$/.exec(response.body.errors?.[0]?.message ?? '')?.[1];
        expect(today).toContain(day);
        expect(response.body).toEqual(invalid([reported, MUST.notAfter(day!)]).body);
      },
    );

    it('as_of null means today, like an absent one', async () => {
      const before = todayUtc();
      const response = await post(bodyWith('as_of', null));
      expect(response.status).toBe(200);
      expect([before, todayUtc()]).toContain(response.body.as_of);
    });
  });

  describe('over a real socket, where the transport is involved', () => {
    let port: number;

    beforeAll(async () => {
      await app.listen(0, '127.0.0.1');
      port = (app.getHttpServer().address() as AddressInfo).port;
    });

    /** Writes raw HTTP/1.1 and reads until the server closes: what no client library would send. */
    function exchange(text: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(text));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head, body = ''] = answer.split('\r\n\r\n');
          resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body });
        });
      });
    }

    /** Sends the body in chunks with Transfer-Encoding: chunked (no Content-Length up front). */
    function chunked(chunks: string[]): Promise<{ status: number; body: unknown }> {
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/analyze-engagement',
            headers: { 'content-type': JSON_TYPE, 'transfer-encoding': 'chunked' },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () =>
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) }),
            );
          },
        );
        outgoing.on('error', reject);
        for (const chunk of chunks) outgoing.write(chunk);
        outgoing.end();
      });
    }

    const head = (headers: string) =>
      `POST /analyze-engagement HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${headers}Connection: close\r\n\r\n`;

    it('a Content-Length over the limit is a 413 before any body is sent', async () => {
      const answer = await exchange(head('Content-Length: 104857600\r\n'));
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual(TOO_LARGE.body);
    });

    it('a chunked body that grows over the limit is a 413', async () => {
      const [open, close] = [EXAMPLE_TEXT.slice(0, -1), '"}'];
      const padding = repeat(4, () => 'x'.repeat(30_000));
      const answer = await chunked([open, ',"padding":"', ...padding, close]);
      expect(answer).toEqual({ status: 413, body: TOO_LARGE.body });
    });

    it('a chunked body under the limit is read whole', async () => {
      const answer = await chunked([
        EXAMPLE_TEXT.slice(0, 7),
        EXAMPLE_TEXT.slice(7, 300),
        EXAMPLE_TEXT.slice(300),
      ]);
      expect(answer).toEqual({
        status: 200,
        body: { ...EXAMPLE_ANALYSIS, model_version: modelVersion },
      });
    });

    it('a body longer than its Content-Length is a 400', async () => {
      // The parser reads 5 bytes as the body and the rest as a malformed next request.
      const answer = await exchange(head('Content-Length: 5\r\n') + EXAMPLE_TEXT);
      expect(answer.status).toBe(400);
    });

    it('a 100k-element array is a 413 with a JSON body', async () => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('content-type', JSON_TYPE)
        .send(
          bodyWith(
            'user_data.profile.goal_tags',
            repeat(HUNDRED_K, () => 'x'),
          ),
        );
      expect(response.status).toBe(413);
      expect(response.body).toEqual(TOO_LARGE.body);
    });

    it('a form post is a 415', async () => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .type('form')
        .send({ user_data: 'x' });
      expect(response.status).toBe(415);
      expect(response.body).toEqual(UNSUPPORTED.body);
    });

    it('a 10k-deep body is a 400', async () => {
      const response = await request(app.getHttpServer())
        .post('/analyze-engagement')
        .set('content-type', JSON_TYPE)
        .send(nestedObjects(10_000));
      expect(response.status).toBe(400);
      expect(response.body).toEqual(TOO_DEEP.body);
    });
  });

  describe('other methods and routes', () => {
    const fastify = () => app.getHttpAdapter().getInstance();

    it.each(['GET', 'PUT', 'PATCH', 'DELETE'] as const)(
      '%s /analyze-engagement is a 404',
      async (method) => {
        const response = await fastify().inject({
          method,
          url: '/analyze-engagement',
          headers: { 'content-type': JSON_TYPE },
          payload: method === 'GET' ? undefined : EXAMPLE_TEXT,
        });
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: `Cannot ${method} /analyze-engagement`,
        });
      },
    );

    it.each(['/health', '/version', '/'])('GET %s ignores a broken JSON body', async (url) => {
      const response = await fastify().inject({
        method: 'GET',
        url,
        headers: { 'content-type': JSON_TYPE },
        payload: '{"__proto__":',
      });
      expect(response.statusCode).toBe(200);
    });

    it.each(['/%E0%A4%A', '/health/%'])(
      'GET %s (a broken percent-encoding) is a 400',
      async (url) => {
        const response = await fastify().inject({ method: 'GET', url });
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          message: `'${url}' is not a valid url component`,
        });
      },
    );

    it.each([
      '/docs/../../package.json',
      '/docs/%2e%2e/%2e%2e/package.json',
      '/docs/..%2f..%2fpackage.json',
    ])('GET %s does not escape the docs', async (url) => {
      const response = await fastify().inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('engagement-insight-engine');
    });
  });
});
