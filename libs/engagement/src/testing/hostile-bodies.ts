/// <reference types="jest" />
/**
 * Hostile request bodies, built as text so they can say what JSON.stringify cannot (1e400,
 * 2**53+1, duplicate keys, `__proto__` as data). The validation unit tests and the HTTP suite both
 * build their cases from these. The prototype-key table asserts with jest's `expect`; the
 * reference above keeps the file compiling under the library tsconfig, which lists node types only.
 */
import { EXAMPLE_ANALYSIS, EXAMPLE_REQUEST } from '../dto/examples';
import { REQUEST_LIMITS } from '../dto/request-limits';
import { EngagementAnalysis } from '../engine/analysis';
import { Nudge } from '../engine/render';
import { FieldError } from '../validation/field-error';

const L = REQUEST_LIMITS;
export const AS_OF = EXAMPLE_REQUEST.as_of;
export const ATTENDANCE = 'peer_snapshot.batch_event_attendance';

/**
 * Problem texts as the API words them; the path is prepended in the answer. Written out here
 * rather than imported, so a changed message fails the tests.
 */
export const MUST = {
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
export class Raw {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `@@raw:${this.text}@@`;
  }
}
export const raw = (text: string) => new Raw(text);

/** Marks a field to remove in `withFields`. */
export const DELETE = Symbol('delete');

export function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([^"]*)@@"/g, '$1');
}

type Json = Record<string, unknown>;

/** A deep copy of the example request. */
function example(): Json {
  return JSON.parse(JSON.stringify(EXAMPLE_REQUEST)) as Json;
}

function pathValue(body: Json, keys: readonly string[]): Json {
  return keys.reduce((node, key) => node[key] as Json, body);
}

/**
 * The example request with each `path` (dot-separated; a key holding a dot is not needed here)
 * set to its value, or removed with DELETE. Keys are defined, not assigned, so `__proto__` stays
 * data.
 */
export function withFields(...edits: [path: string, value: unknown][]): Json {
  const body = example();
  for (const [path, value] of edits) {
    const keys = path.split('.');
    const node = pathValue(body, keys.slice(0, -1));
    const last = keys[keys.length - 1];
    if (value === DELETE) delete node[last];
    else Object.defineProperty(node, last, { value, enumerable: true, writable: true });
  }
  return body;
}

export const bodyWith = (path: string, value: unknown): string =>
  serialize(withFields([path, value]));
export const EXAMPLE_TEXT = serialize(EXAMPLE_REQUEST);

/** The example request as text with one more member appended to the object at `at` ('' = root). */
export function appendMember(member: string, at = ''): string {
  if (at === '') return `${EXAMPLE_TEXT.slice(0, -1)},${member}}`;
  const marker = '"@@here@@"';
  const text = serialize(
    withFields([at, { ...pathValue(example(), at.split('.')), '@@here@@': 0 }]),
  );
  return text.replace(`${marker}:0`, member);
}

export const repeat = <T>(n: number, item: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => item(i));
export const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
export const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** An attendance map of `n` events with one attendee each. */
export const events = (n: number) => Object.fromEntries(repeat(n, (i) => [`event-${i}`, 1]));

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

// ---------------------------------------------------------------------------------------------
// Expected outcomes, short of HTTP

/**
 * What the request path makes of a body: the JSON parser refuses it (its message is the one the
 * 400 carries), validation names fields, or the request is analysed and `check` holds of it.
 */
export type Expected =
  | { readonly refused: string }
  | { readonly errors: readonly FieldError[] }
  | { readonly analysed: true; readonly check?: (analysis: EngagementAnalysis) => void };

/** A hostile case: a name, the body as text, and what becomes of it. */
export type Case = [name: string, body: string, expected: Expected];

export function invalid(...errors: [path: string, problem: string][]): Expected {
  return { errors: errors.map(([path, problem]) => ({ path, message: `${path} ${problem}` })) };
}

export const refused = (message: string): Expected => ({ refused: message });
export const ok = (check?: (analysis: EngagementAnalysis) => void): Expected => ({
  analysed: true,
  check,
});

export const PROTO = refused(
  'body is not valid JSON: Object contains forbidden prototype property',
);

// ---------------------------------------------------------------------------------------------
// Reading an analysis

export function types(analysis: EngagementAnalysis): string[] {
  return analysis.nudges.map((nudge) => nudge.type);
}

export function ruleTypes(analysis: EngagementAnalysis): string[] {
  return analysis.nudges.filter((nudge) => nudge.source === 'rule').map((nudge) => nudge.type);
}

export function nudge(analysis: EngagementAnalysis, type: string): Nudge {
  const found = analysis.nudges.find((candidate) => candidate.type === type);
  if (found === undefined) throw new Error(`no ${type} nudge among ${types(analysis).join(', ')}`);
  return found;
}

export const eventFomo = (analysis: EngagementAnalysis) => nudge(analysis, 'event_fomo');

// ---------------------------------------------------------------------------------------------
// __proto__, constructor and prototype keys: the HTTP suite also posts each of these and checks
// that nothing reached Object.prototype.

const POLLUTE = '{"polluted":true}';

export const prototypeCases: Case[] = [
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
        '12 peers of the batch are going to toString (the rule fires from 10).',
      ),
    ),
  ],
];

/** Five fields of the wrong type at once: the answer names all five, in field order. */
export const SEVERAL_WRONG_TYPES = {
  body: serialize(
    withFields(
      ['user_data.user_id', 7023],
      ['user_data.profile.karma', '190'],
      ['user_data.activity.last_quiz_taken', 20250601],
      ['peer_snapshot.buddies_attending_events', 'coding-contest'],
      ['as_of', true],
    ),
  ),
  errors: [
    ['user_data.user_id', MUST.userId],
    ['user_data.profile.karma', MUST.count],
    ['user_data.activity.last_quiz_taken', MUST.date],
    ['peer_snapshot.buddies_attending_events', MUST.eventList],
    ['as_of', MUST.date],
  ] as [path: string, problem: string][],
};
